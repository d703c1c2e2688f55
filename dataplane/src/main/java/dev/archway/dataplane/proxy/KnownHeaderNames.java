package dev.archway.dataplane.proxy;

import io.netty.handler.codec.DefaultHeaders.NameValidator;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.util.AsciiString;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The header names HTTP/1 messages carry most, as constants, for the decoders to use in place of a
 * new name per field. Netty's decoder copies each name into a new {@link AsciiString}, whose hash
 * the header map then computes and whose every byte the name validator checks: per response from
 * nginx five names, a few percent of the event loop's time in a profile (docs/benchmarks.md,
 * <i>Header names known in advance</i>). A constant's hash is computed once, it passes validation
 * once here rather than at every message, and a lookup by the same constant is an identity
 * comparison.
 *
 * <p>A name is replaced only by a constant of exactly its bytes, so a message goes on with its
 * names spelled as they came: each name is kept in its usual spelling ({@code Content-Length}) and
 * in lower case (as HTTP/2 peers and some servers send it, Netty's {@link HttpHeaderNames}).
 */
final class KnownHeaderNames {
  private static final String[] NAMES = {
    // Both ways.
    "Connection",
    "Content-Length",
    "Content-Type",
    "Content-Encoding",
    "Transfer-Encoding",
    "Cache-Control",
    "Keep-Alive",
    "Upgrade",
    "Date",
    "Via",
    "Pragma",
    "Trailer",
    "TE",
    // Requests.
    "Host",
    "User-Agent",
    "Accept",
    "Accept-Encoding",
    "Accept-Language",
    "Authorization",
    "Cookie",
    "Referer",
    "Origin",
    "Expect",
    "Range",
    "If-None-Match",
    "If-Modified-Since",
    "Forwarded",
    "X-Forwarded-For",
    "X-Forwarded-Proto",
    "X-Forwarded-Host",
    "X-Real-IP",
    "X-Request-ID",
    "Sec-Fetch-Site",
    "Sec-Fetch-Mode",
    "Sec-Fetch-Dest",
    "Sec-Fetch-User",
    "Upgrade-Insecure-Requests",
    "Priority",
    "Sec-WebSocket-Key",
    "Sec-WebSocket-Version",
    // Responses.
    "Server",
    "Last-Modified",
    "ETag",
    "Accept-Ranges",
    "Vary",
    "Location",
    "Set-Cookie",
    "Expires",
    "Age",
    "Content-Range",
    "Content-Disposition",
    "Strict-Transport-Security",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Access-Control-Allow-Origin",
    "Sec-WebSocket-Accept",
    "Alt-Svc",
  };

  private static final NameValidator<CharSequence> NETTY_VALIDATOR =
      DefaultHttpHeadersFactory.headersFactory().getNameValidator();

  /** The constants by name length, each list short: a lookup compares a handful at most. */
  private static final AsciiString[][] BY_LENGTH = byLength();

  /**
   * The constants by their (case-insensitive, cached) hash, open addressing: whether a name is one
   * of them is a probe or two. The header map computes that hash for every name it is given right
   * after validating it, so asking for it here costs nothing; the search by length before this was
   * 3 % of the event loop's samples, in the validator that runs for every field added.
   */
  private static final AsciiString[] BY_HASH = byHash(BY_LENGTH);

  /**
   * Netty's validation for every name but these constants, which passed it once, when this class
   * was loaded.
   */
  private static final NameValidator<CharSequence> VALIDATOR =
      name -> {
        if (!(name instanceof AsciiString ascii && isConstant(ascii))) {
          NETTY_VALIDATOR.validateName(name);
        }
      };

  /** Netty's header maps with Netty's validation, as the decoders' messages are to get them. */
  static final HttpHeadersFactory HEADERS =
      DefaultHttpHeadersFactory.headersFactory().withNameValidator(VALIDATOR);

  private KnownHeaderNames() {}

  /** The constant of exactly these bytes, or null. */
  static AsciiString find(byte[] bytes, int start, int length) {
    if (length >= BY_LENGTH.length) {
      return null;
    }
    for (AsciiString known : BY_LENGTH[length]) {
      byte[] knownBytes = known.array();
      if (knownBytes[0] == bytes[start]
          && Arrays.equals(knownBytes, 0, length, bytes, start, start + length)) {
        return known;
      }
    }
    return null;
  }

  /** The constant of this exact spelling, for the proxy's own headers; it must be known. */
  static AsciiString constant(String spelling) {
    byte[] bytes = spelling.getBytes(StandardCharsets.US_ASCII);
    AsciiString known = find(bytes, 0, bytes.length);
    if (known == null) {
      throw new IllegalArgumentException("not a known header name: " + spelling);
    }
    return known;
  }

  /** Whether {@code name} is one of the constants itself (not merely equal to one). */
  static boolean isConstant(AsciiString name) {
    int mask = BY_HASH.length - 1;
    for (int i = name.hashCode() & mask; ; i = (i + 1) & mask) {
      AsciiString known = BY_HASH[i];
      if (known == name) {
        return true;
      }
      if (known == null) {
        return false;
      }
    }
  }

  private static AsciiString[][] byLength() {
    List<List<AsciiString>> lists = new ArrayList<>();
    for (String name : NAMES) {
      for (String spelling : new String[] {name, name.toLowerCase(Locale.ROOT)}) {
        // Netty's own constant for the lower-case spelling, so that lookups by it are identities.
        AsciiString constant = netty(spelling);
        NETTY_VALIDATOR.validateName(constant);
        while (lists.size() <= spelling.length()) {
          lists.add(new ArrayList<>());
        }
        List<AsciiString> sameLength = lists.get(spelling.length());
        if (sameLength.stream().noneMatch(known -> known.contentEquals(constant))) {
          sameLength.add(constant);
        }
      }
    }
    AsciiString[][] table = new AsciiString[lists.size()][];
    for (int i = 0; i < table.length; i++) {
      table[i] = lists.get(i).toArray(new AsciiString[0]);
    }
    return table;
  }

  private static AsciiString[] byHash(AsciiString[][] byLength) {
    int count = Arrays.stream(byLength).mapToInt(sameLength -> sameLength.length).sum();
    // At most a quarter full: probes stay short although both spellings of a name share a hash.
    AsciiString[] table = new AsciiString[Integer.highestOneBit(count * 4) * 2];
    int mask = table.length - 1;
    for (AsciiString[] sameLength : byLength) {
      for (AsciiString constant : sameLength) {
        int i = constant.hashCode() & mask;
        while (table[i] != null) {
          i = (i + 1) & mask;
        }
        table[i] = constant;
      }
    }
    return table;
  }

  /**
   * Netty's constant of this spelling if it has one ({@link HttpHeaderNames} are lower case), so
   * that the proxy's lookups by those constants find the very object; else a new constant. Either
   * way its bytes fill its array from offset 0, which {@link #find} relies on.
   */
  private static AsciiString netty(String spelling) {
    for (Field field : HttpHeaderNames.class.getFields()) {
      if (Modifier.isStatic(field.getModifiers()) && field.getType() == AsciiString.class) {
        try {
          AsciiString constant = (AsciiString) field.get(null);
          if (constant.toString().equals(spelling)) {
            return constant;
          }
        } catch (IllegalAccessException notPublic) {
          // getFields() lists public fields only
        }
      }
    }
    return new AsciiString(spelling.getBytes(StandardCharsets.US_ASCII), false);
  }
}
