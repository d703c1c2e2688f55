package dev.archway.translator;

import static dev.archway.translator.FilterCompiler.unsupported;
import static dev.archway.translator.ResourceIndex.nonNull;

import dev.archway.ir.HttpRouteOptions;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRetry;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteTimeouts;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A rule's timeouts (HTTPRouteTimeouts, GEP-1742) and experimental retry (HTTPRouteRetry,
 * GEP-1731), with Gateway API durations (GEP-2257: one to four {@code <number><unit>} parts, units
 * h, m, s, ms, numbers of at most five digits).
 */
final class RuleOptions {
  private static final Pattern DURATION = Pattern.compile("^([0-9]{1,5}(ms|h|m|s)){1,4}$");
  private static final Pattern PART = Pattern.compile("([0-9]{1,5})(ms|h|m|s)");
  static final List<Integer> DEFAULT_RETRY_CODES = List.of(500, 502, 503, 504);
  static final int DEFAULT_RETRY_ATTEMPTS = 1;
  static final long DEFAULT_RETRY_BACKOFF_MILLIS = 25;

  private RuleOptions() {}

  /** The timeouts, or null when none is set (or all are {@code 0s}). */
  static HttpRouteOptions.Timeouts timeouts(
      HTTPRouteTimeouts t, String at, List<RuleProblem> problems) {
    if (t == null) {
      return null;
    }
    Long request = duration(t.getRequest(), at + ".request", problems);
    Long backend = duration(t.getBackendRequest(), at + ".backendRequest", problems);
    if (request != null && backend != null && request > 0 && backend > request) {
      // CEL: backendRequest must be <= request unless request is 0s.
      problems.add(
          unsupported(
              at
                  + ".backendRequest: \""
                  + t.getBackendRequest()
                  + "\" is longer than request \""
                  + t.getRequest()
                  + "\" (expected: backendRequest <= request)"));
      return null;
    }
    Long requestMillis = request == null || request == 0 ? null : request;
    Long backendMillis = backend == null || backend == 0 ? null : backend;
    return requestMillis == null && backendMillis == null
        ? null
        : new HttpRouteOptions.Timeouts(requestMillis, backendMillis);
  }

  /** The retry policy with Archway's defaults filled in, or null when the rule has none. */
  static HttpRouteOptions.Retry retry(HTTPRouteRetry r, String at, List<RuleProblem> problems) {
    if (r == null) {
      return null;
    }
    int before = problems.size();
    List<Integer> codes = nonNull(r.getCodes());
    for (int i = 0; i < codes.size(); i++) {
      Integer c = codes.get(i);
      if (c == null || c < 400 || c > 599) {
        problems.add(unsupported(at + ".codes[" + i + "]: " + c + " (expected: 400-599)"));
      }
    }
    if (r.getAttempts() != null && r.getAttempts() < 1) {
      problems.add(unsupported(at + ".attempts: " + r.getAttempts() + " (expected: at least 1)"));
    }
    Long backoff = duration(r.getBackoff(), at + ".backoff", problems);
    if (problems.size() > before) {
      return null;
    }
    return new HttpRouteOptions.Retry(
        codes.isEmpty() ? DEFAULT_RETRY_CODES : codes.stream().distinct().sorted().toList(),
        r.getAttempts() == null ? DEFAULT_RETRY_ATTEMPTS : r.getAttempts(),
        backoff == null ? DEFAULT_RETRY_BACKOFF_MILLIS : backoff);
  }

  /** A Gateway API duration in milliseconds, or null when unset or invalid. */
  static Long duration(String value, String at, List<RuleProblem> problems) {
    if (value == null) {
      return null;
    }
    if (!DURATION.matcher(value).matches()) {
      problems.add(
          unsupported(
              at
                  + ": \""
                  + value
                  + "\" (expected: a Gateway API duration such as 500ms, 10s or 1h30m)"));
      return null;
    }
    long millis = 0;
    Matcher m = PART.matcher(value);
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      millis +=
          switch (m.group(2)) {
            case "h" -> n * 3_600_000;
            case "m" -> n * 60_000;
            case "s" -> n * 1_000;
            default -> n;
          };
    }
    return millis;
  }
}
