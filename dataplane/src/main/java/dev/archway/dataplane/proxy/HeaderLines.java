package dev.archway.dataplane.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map.Entry;

/**
 * Writes a message's header fields as HTTP/1 lines ({@code name: value CRLF}), byte for byte what
 * Netty's encoders write, for the encoders' {@code encodeHeaders}. What differs is how a {@code
 * String} gets there: Netty copies it a character at a time through {@code CharSequence.charAt},
 * which a profile found at 3 % of the event loop's time (the values Netty's decoders make are
 * {@code String}s, and a proxy writes them all out again); here the JDK's own Latin-1 encoding, an
 * array copy for the strings the decoders make, and the whole block copied into the buffer at once.
 *
 * <p>The bytes are Netty's: a character up to U+00FF is written as its one byte, any other as
 * {@code ?}, one byte a character.
 */
final class HeaderLines {
  /**
   * Where a message's lines are put together before one copy into the (direct) buffer: a copy into
   * a direct buffer costs a bounds and liveness check per call, and four calls a field (name,
   * separator, value, line end) were 3 % of the event loop's samples, a few bytes each. One array
   * per event loop, kept while it stays at most {@link #KEPT_SCRATCH} bytes.
   */
  private static final FastThreadLocal<byte[]> SCRATCH =
      new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
          return new byte[2048];
        }
      };

  private static final int KEPT_SCRATCH = 64 * 1024;

  private HeaderLines() {}

  /** Appends every field of {@code headers} to {@code buf}. */
  static void write(HttpHeaders headers, ByteBuf buf) {
    byte[] lines = SCRATCH.get();
    int length = 0;
    Iterator<Entry<CharSequence, CharSequence>> fields = headers.iteratorCharSequence();
    while (fields.hasNext()) {
      Entry<CharSequence, CharSequence> field = fields.next();
      CharSequence name = field.getKey();
      CharSequence value = field.getValue();
      int end = length + name.length() + value.length() + 4;
      if (end > lines.length) {
        lines = Arrays.copyOf(lines, Math.max(end, lines.length * 2));
        if (lines.length <= KEPT_SCRATCH) {
          SCRATCH.set(lines);
        }
      }
      length = put(name, lines, length);
      lines[length++] = ':';
      lines[length++] = ' ';
      length = put(value, lines, length);
      lines[length++] = '\r';
      lines[length++] = '\n';
    }
    buf.writeBytes(lines, 0, length);
  }

  /** Puts {@code text} at {@code offset}, a byte a character; the offset after it. */
  private static int put(CharSequence text, byte[] lines, int offset) {
    int length = text.length();
    if (text instanceof AsciiString ascii) {
      System.arraycopy(ascii.array(), ascii.arrayOffset(), lines, offset, length);
      return offset + length;
    }
    if (text instanceof String string && length > 0) {
      byte[] latin1 = string.getBytes(StandardCharsets.ISO_8859_1);
      if (latin1.length == length) {
        System.arraycopy(latin1, 0, lines, offset, length);
        return offset + length;
      }
      // A surrogate pair became one '?': Netty writes one a character, as below.
    }
    for (int i = 0; i < length; i++) {
      lines[offset + i] = AsciiString.c2b(text.charAt(i));
    }
    return offset + length;
  }
}
