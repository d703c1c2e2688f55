package dev.archway.dataplane.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The header names the decoders take from {@link KnownHeaderNames} instead of copying them: only a
 * name of exactly a constant's bytes is replaced, the constants are valid names, and every other
 * name is still validated by Netty.
 */
class KnownHeaderNamesTest {
  @Test
  void aNameOfExactlyAConstantsBytesIsThatConstantWhereverItSits() {
    for (String name : List.of("Content-Length", "content-length", "Server", "Host", "ETag")) {
      byte[] line = ("xx" + name + ": 1").getBytes(StandardCharsets.US_ASCII);
      AsciiString known = KnownHeaderNames.find(line, 2, name.length());
      assertThat((Object) known).as(name).isNotNull();
      assertThat(known.toString()).isEqualTo(name);
      assertThat((Object) KnownHeaderNames.find(line, 2, name.length())).isSameAs(known);
      assertThat(KnownHeaderNames.isConstant(known)).isTrue();
    }
  }

  @Test
  void everyConstantIsFoundAsOneInBothSpellings() throws IllegalAccessException {
    int found = 0;
    for (var field : HttpHeaderNames.class.getFields()) {
      String lower = field.get(null).toString();
      StringBuilder usual = new StringBuilder(lower);
      for (int i = 0; i < usual.length(); i++) {
        if (i == 0 || usual.charAt(i - 1) == '-') {
          usual.setCharAt(i, Character.toUpperCase(usual.charAt(i)));
        }
      }
      for (String spelling : List.of(lower, usual.toString())) {
        byte[] bytes = spelling.getBytes(StandardCharsets.US_ASCII);
        AsciiString known = KnownHeaderNames.find(bytes, 0, bytes.length);
        if (known != null) {
          assertThat(KnownHeaderNames.isConstant(known)).as(spelling).isTrue();
          assertThat(KnownHeaderNames.isConstant(new AsciiString(spelling))).isFalse();
          found++;
        }
      }
    }
    assertThat(found).as("constants reached through Netty's names").isGreaterThan(60);
  }

  @Test
  void theLowerCaseSpellingsAreNettysOwnConstants() {
    byte[] name = "content-length".getBytes(StandardCharsets.US_ASCII);
    assertThat((Object) KnownHeaderNames.find(name, 0, name.length))
        .isSameAs(HttpHeaderNames.CONTENT_LENGTH);
  }

  @Test
  void anyOtherSpellingOrNameIsNotKnown() {
    for (String name :
        List.of(
            "Content-length",
            "CONTENT-LENGTH",
            "Content-Lengtz",
            "Xontent-Length",
            "Content",
            "X-Unknown-Header",
            "Content-Length-And-Much-More-Than-Any-Known-Name-Is-Long")) {
      byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
      assertThat((Object) KnownHeaderNames.find(bytes, 0, bytes.length)).as(name).isNull();
    }
    // Equal to a constant is not being one: such a name is validated like any other.
    assertThat(KnownHeaderNames.isConstant(new AsciiString("Content-Length"))).isFalse();
  }

  @Test
  void namesThatAreNotConstantsAreStillValidatedByNetty() {
    HttpHeaders headers = KnownHeaderNames.HEADERS.newHeaders();
    assertThatThrownBy(() -> headers.add(new AsciiString("Bad Name"), "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("token");
    assertThatThrownBy(() -> headers.add("Bad\u0001Name", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> headers.add("Host", "bad\r\nvalue"))
        .as("values are validated as before")
        .isInstanceOf(IllegalArgumentException.class);
    byte[] known = "Content-Type".getBytes(StandardCharsets.US_ASCII);
    headers.add(KnownHeaderNames.find(known, 0, known.length), "text/plain");
    assertThat(headers.get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("text/plain");
  }

  @Test
  void theUpstreamDecoderKeepsNamesAsTheyCameAndRejectsAnInvalidOne() {
    EmbeddedChannel upstream = new EmbeddedChannel(UpstreamInitializer.http1Codec().handlers());
    try {
      upstream.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"));
      upstream.releaseOutbound();
      upstream.writeInbound(
          Unpooled.copiedBuffer(
              "HTTP/1.1 200 OK\r\nServer: nginx\r\ncontent-type: text/plain\r\n"
                  + "X-Custom: 1\r\nContent-Length: 0\r\n\r\n",
              StandardCharsets.US_ASCII));
      HttpResponse response = upstream.readInbound();
      assertThat(response.decoderResult().isSuccess()).isTrue();
      List<String> names = response.headers().entries().stream().map(Map.Entry::getKey).toList();
      assertThat(names).containsExactly("Server", "content-type", "X-Custom", "Content-Length");
      assertThat(response.headers().get("server")).isEqualTo("nginx");
      ReferenceCountUtil.release(response);

      upstream.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"));
      upstream.releaseOutbound();
      upstream.writeInbound(
          Unpooled.copiedBuffer(
              "HTTP/1.1 200 OK\r\nBad\u0001Name: x\r\nContent-Length: 0\r\n\r\n",
              StandardCharsets.ISO_8859_1));
      HttpResponse invalid = upstream.readInbound();
      assertThat(invalid.decoderResult().isFailure()).isTrue();
      ReferenceCountUtil.release(invalid);
    } finally {
      upstream.finishAndReleaseAll();
    }
  }
}
