package dev.archway.echo;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses Go duration strings such as {@code 500ms}, {@code 1s} or {@code 1m30s}. */
final class GoDuration {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

  private GoDuration() {}

  /** The duration in whole milliseconds; throws IllegalArgumentException for anything else. */
  static long parseMillis(String text) {
    Matcher m = PART.matcher(text);
    double millis = 0;
    int end = 0;
    while (m.lookingAt()) {
      double n = Double.parseDouble(m.group(1));
      millis +=
          switch (m.group(2)) {
            case "ns" -> n / 1_000_000;
            case "us", "µs" -> n / 1_000;
            case "ms" -> n;
            case "s" -> n * 1_000;
            case "m" -> n * 60_000;
            default -> n * 3_600_000;
          };
      end = m.end();
      m.region(end, text.length());
    }
    if (end == 0 || end != text.length()) {
      throw new IllegalArgumentException("duration: " + text + " (expected: like 500ms or 1s)");
    }
    return Math.round(millis);
  }
}
