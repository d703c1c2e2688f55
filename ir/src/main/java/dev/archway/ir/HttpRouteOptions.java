package dev.archway.ir;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;

/**
 * What an HTTPRoute or GRPCRoute rule asks beyond matching, filters and backends. Every part is
 * optional; {@link HttpRoute#options()} is null when a rule has none of them.
 *
 * @param mirrors RequestMirror filters of the rule, in order: each sends a copy of the request
 *     (same method, URI, headers after the rule's request filters, and body) to one endpoint of its
 *     destination, fire-and-forget; the mirror's response is discarded and never delays the real
 *     one
 * @param cors the rule's CORS filter, or null
 * @param timeouts the rule's timeouts, or null for none
 * @param retry the rule's retry policy (experimental {@code HTTPRouteRule.retry}), or null for none
 * @param ruleName {@code spec.rules[].name}, or null; for logs and metrics only
 * @param grpc whether this comes from a GRPCRoute: backends speak HTTP/2 (h2c unless upstream TLS),
 *     and a response the data plane makes itself is a gRPC status, not an HTTP status (no backend:
 *     {@code UNAVAILABLE}, 14). A gRPC request ({@code content-type: application/grpc*}) that
 *     matches no route of its virtual host gets HTTP 200 with {@code grpc-status: 12}
 *     (UNIMPLEMENTED)
 */
public record HttpRouteOptions(
    List<RequestMirror> mirrors,
    Cors cors,
    Timeouts timeouts,
    Retry retry,
    String ruleName,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean grpc) {
  public HttpRouteOptions {
    mirrors = List.copyOf(Objects.requireNonNullElse(mirrors, List.of()));
  }

  /** Whether nothing is set, so that the route can carry null instead. */
  @JsonIgnore
  public boolean isEmpty() {
    return mirrors.isEmpty()
        && cors == null
        && timeouts == null
        && retry == null
        && ruleName == null
        && !grpc;
  }

  /**
   * A RequestMirror filter.
   *
   * @param destination the {@link Destination} to copy requests to, or null when the mirror's
   *     backendRef is invalid (then nothing is mirrored)
   * @param numerator with {@code denominator}, the fraction of requests mirrored (from {@code
   *     percent} as n/100 or {@code fraction}; 1/1 when neither is set), chosen at random per
   *     request; 0 mirrors nothing
   * @param denominator at least 1
   */
  public record RequestMirror(String destination, int numerator, int denominator) {
    public RequestMirror {
      if (denominator < 1 || numerator < 0 || numerator > denominator) {
        throw new IllegalArgumentException(
            "fraction: " + numerator + "/" + denominator + " (expected: 0 <= n <= d, d >= 1)");
      }
    }
  }

  /**
   * The CORS filter (GEP-1767). A preflight is an OPTIONS request with {@code Origin} and {@code
   * Access-Control-Request-Method}: the data plane answers it itself with 200 (never forwards it).
   * When the Origin matches {@code allowOrigins} ({@code *} matches every origin; an entry like
   * {@code https://*.bar.com} matches one or more labels in place of {@code *}; scheme and port
   * must be equal), the answer carries {@code Access-Control-Allow-Origin} (the request's Origin
   * echoed, or {@code *} when {@code *} is listed and credentials are not allowed), {@code
   * Access-Control-Allow-Methods}, {@code -Allow-Headers}, {@code -Max-Age} and, when {@code
   * allowCredentials}, {@code Access-Control-Allow-Credentials: true}. A non-matching Origin gets
   * none of these headers. On actual (non-preflight) requests with a matching Origin, the response
   * gets {@code Access-Control-Allow-Origin}, {@code -Allow-Credentials} and {@code
   * -Expose-Headers}.
   *
   * @param allowOrigins origins as written, in order
   * @param allowCredentials whether credentials are allowed
   * @param allowMethods methods, or {@code *}; empty means none are listed
   * @param allowHeaders request headers, or {@code *}
   * @param exposeHeaders response headers, or {@code *}
   * @param maxAgeSeconds {@code Access-Control-Max-Age}: 5 when the filter does not set it
   */
  public record Cors(
      List<String> allowOrigins,
      @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean allowCredentials,
      List<String> allowMethods,
      List<String> allowHeaders,
      List<String> exposeHeaders,
      int maxAgeSeconds) {
    public Cors {
      allowOrigins = List.copyOf(Objects.requireNonNullElse(allowOrigins, List.of()));
      allowMethods = List.copyOf(Objects.requireNonNullElse(allowMethods, List.of()));
      allowHeaders = List.copyOf(Objects.requireNonNullElse(allowHeaders, List.of()));
      exposeHeaders = List.copyOf(Objects.requireNonNullElse(exposeHeaders, List.of()));
    }
  }

  /**
   * HTTPRouteTimeouts. A timeout that fires answers 504 (if nothing was sent to the client yet).
   *
   * @param requestMillis from the moment the request starts to arrive until the response is
   *     complete, including retries; null for no limit ({@code 0s} in the spec also means none)
   * @param backendRequestMillis each try against a backend, from sending the request until the
   *     response is complete; null for no limit
   */
  public record Timeouts(Long requestMillis, Long backendRequestMillis) {}

  /**
   * HTTPRouteRetry (experimental, GEP-1731). A try that fails with one of {@code codes}, or cannot
   * connect, or hits {@link Timeouts#backendRequestMillis}, is retried (picking a backend again by
   * weight) while fewer than {@code attempts} retries were made and the request timeout allows it.
   * Only requests whose body was fully buffered (or had none) can be retried.
   *
   * @param codes HTTP status codes that trigger a retry, sorted; the translator fills in 500, 502,
   *     503 and 504 when the rule lists none
   * @param attempts the maximum number of retries after the first try, at least 1 (the translator
   *     uses 1 when the rule does not say)
   * @param backoffMillis the minimum wait before each retry; 0 for none (the translator uses 25
   *     when the rule does not say)
   */
  public record Retry(List<Integer> codes, int attempts, long backoffMillis) {
    public Retry {
      codes = List.copyOf(Objects.requireNonNullElse(codes, List.of()));
    }
  }
}
