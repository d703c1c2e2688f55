package dev.archway.dataplane.routing;

import dev.archway.ir.HttpRouteOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A compiled CORS filter (GEP-1767): the allowed origins as matchers, and the header values the
 * proxy sends, joined once here rather than per request.
 *
 * <p>An origin entry {@code *} allows every origin; {@code https://*.bar.com} allows one or more
 * labels in place of {@code *} with the same scheme and port; anything else must be equal (case
 * insensitively: scheme and host are).
 */
public final class CorsPolicy {
  private final boolean anyOrigin;
  private final List<String> exactOrigins;
  private final List<Pattern> wildcardOrigins;
  private final boolean allowCredentials;
  private final String allowMethods;
  private final String allowHeaders;
  private final String exposeHeaders;
  private final String maxAge;

  CorsPolicy(HttpRouteOptions.Cors cors) {
    boolean any = false;
    List<String> exact = new ArrayList<>();
    List<Pattern> wildcards = new ArrayList<>();
    for (String origin : cors.allowOrigins()) {
      String o = origin.trim().toLowerCase(Locale.ROOT);
      if (o.equals("*")) {
        any = true;
      } else if (o.contains("*")) {
        String[] parts = o.split("\\*", -1);
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
          if (i > 0) {
            regex.append("[a-z0-9-]+(?:\\.[a-z0-9-]+)*");
          }
          regex.append(Pattern.quote(parts[i]));
        }
        wildcards.add(Pattern.compile(regex.toString()));
      } else {
        exact.add(o);
      }
    }
    this.anyOrigin = any;
    this.exactOrigins = List.copyOf(exact);
    this.wildcardOrigins = List.copyOf(wildcards);
    this.allowCredentials = cors.allowCredentials();
    this.allowMethods = joinOrNull(cors.allowMethods());
    this.allowHeaders = joinOrNull(cors.allowHeaders());
    this.exposeHeaders = joinOrNull(cors.exposeHeaders());
    this.maxAge = Integer.toString(cors.maxAgeSeconds());
  }

  private static String joinOrNull(List<String> values) {
    return values.isEmpty() ? null : String.join(", ", values);
  }

  /**
   * The {@code Access-Control-Allow-Origin} value for a request's Origin, or null when the origin
   * is not allowed: the origin itself, or {@code *} when every origin is allowed without
   * credentials.
   */
  public String allowOrigin(String origin) {
    if (origin == null || origin.isEmpty()) {
      return null;
    }
    if (anyOrigin) {
      return allowCredentials ? origin : "*";
    }
    String o = origin.toLowerCase(Locale.ROOT);
    if (exactOrigins.contains(o)) {
      return origin;
    }
    for (Pattern p : wildcardOrigins) {
      if (p.matcher(o).matches()) {
        return origin;
      }
    }
    return null;
  }

  public boolean allowCredentials() {
    return allowCredentials;
  }

  /** Joined with {@code ", "}, or null when none are listed. */
  public String allowMethods() {
    return allowMethods;
  }

  public String allowHeaders() {
    return allowHeaders;
  }

  public String exposeHeaders() {
    return exposeHeaders;
  }

  /** {@code Access-Control-Max-Age} in seconds. */
  public String maxAge() {
    return maxAge;
  }

  @Override
  public String toString() {
    List<String> origins = new ArrayList<>(exactOrigins);
    wildcardOrigins.forEach(p -> origins.add(p.pattern()));
    if (anyOrigin) {
      origins.add("*");
    }
    return "cors origins=" + origins + (allowCredentials ? " credentials" : "");
  }
}
