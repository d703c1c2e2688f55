package dev.archway.dataplane.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link HeaderLines} writes the bytes Netty's encoder writes, for every kind of value. */
class HeaderLinesTest {
  /** Netty's own header encoding, reached through the encoder it belongs to. */
  private static final class NettysEncoding extends HttpResponseEncoder {
    void write(HttpHeaders headers, ByteBuf buf) {
      super.encodeHeaders(headers, buf);
    }
  }

  @Test
  void writesWhatNettyWritesForEveryKindOfValue() {
    // No validation: the encoder writes what the proxy's own code put in a map, too.
    HttpHeaders headers =
        DefaultHttpHeadersFactory.headersFactory().withValidation(false).newHeaders();
    headers.add("Server", "nginx/1.22.1");
    headers.add(new AsciiString("X-Ascii"), new AsciiString("ascii string"));
    headers.add("X-Builder", new StringBuilder("a builder"));
    headers.add("X-Empty", "");
    headers.add("X-Latin-1", "caf\u00e9 \u00ff\u0080");
    headers.add("X-Wide", "\u20ac and \u0100");
    headers.add("X-Surrogates", "a \ud83d\ude00 b");
    headers.add("X-Lone-Surrogate", "\ud83d end");
    headers.add("X-\u00e9-Name", "name outside ASCII");
    assertSameBytes(headers);
  }

  @Test
  void writesWhatNettyWritesForRandomCharacters() {
    Random random = new Random(42);
    for (int round = 0; round < 200; round++) {
      HttpHeaders headers =
          DefaultHttpHeadersFactory.headersFactory().withValidation(false).newHeaders();
      for (int field = 0; field < 5; field++) {
        char[] value = new char[random.nextInt(40)];
        for (int i = 0; i < value.length; i++) {
          // Mostly Latin-1, some wider characters and surrogates.
          value[i] =
              (char) (random.nextInt(8) == 0 ? random.nextInt(0x10000) : random.nextInt(0x100));
        }
        headers.add("X-Field-" + field, new String(value));
      }
      assertSameBytes(headers);
    }
  }

  @Test
  void writesAfterWhatTheBufferHeldAndGrowsIt() {
    HttpHeaders headers = DefaultHttpHeadersFactory.headersFactory().newHeaders();
    for (String name : List.of("A", "B", "C")) {
      headers.add(name, "x".repeat(100));
    }
    ByteBuf ours = Unpooled.buffer(4).writeBytes(new byte[] {'H', 'E', 'A', 'D'});
    HeaderLines.write(headers, ours);
    assertThat(ours.toString(StandardCharsets.US_ASCII))
        .startsWith("HEADA: " + "x".repeat(100) + "\r\nB: ")
        .endsWith("x\r\n")
        .hasSize(4 + 3 * (3 + 100 + 2));
    ours.release();
  }

  @Test
  void writesBlocksLargerThanItsScratchAndSmallOnesAfter() {
    HttpHeaders large = DefaultHttpHeadersFactory.headersFactory().newHeaders();
    for (int i = 0; i < 40; i++) {
      large.add("X-Large-" + i, Integer.toString(i).repeat(2000 + i));
    }
    assertSameBytes(large); // beyond the scratch kept between messages
    HttpHeaders medium = DefaultHttpHeadersFactory.headersFactory().newHeaders();
    for (int i = 0; i < 10; i++) {
      medium.add("X-Medium-" + i, "m".repeat(300));
    }
    assertSameBytes(medium); // beyond the first scratch, kept afterwards
    HttpHeaders small = DefaultHttpHeadersFactory.headersFactory().newHeaders();
    small.add("Server", "nginx");
    assertSameBytes(small);
  }

  @Test
  void anAsciiStringThatIsPartOfALargerArrayIsWrittenFromItsOwnOffset() {
    AsciiString line = new AsciiString("xxContent-Type: text/plainyy");
    HttpHeaders headers = DefaultHttpHeadersFactory.headersFactory().newHeaders();
    headers.add(line.subSequence(2, 14, false), line.subSequence(16, 26, false));
    assertSameBytes(headers);
  }

  private static void assertSameBytes(HttpHeaders headers) {
    ByteBuf netty = Unpooled.buffer();
    ByteBuf ours = Unpooled.buffer();
    new NettysEncoding().write(headers, netty);
    HeaderLines.write(headers, ours);
    assertThat(ByteBufUtil.getBytes(ours)).isEqualTo(ByteBufUtil.getBytes(netty));
    netty.release();
    ours.release();
  }
}
