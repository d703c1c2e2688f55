package dev.archway.translator;

import static dev.archway.translator.FilterCompiler.unsupported;
import static dev.archway.translator.ResourceIndex.nonNull;

import dev.archway.ir.HttpRouteOptions.Cors;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPCORSFilter;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The CORS filter (apis/v1/httproute_types.go HTTPCORSFilter, GEP-1767), with the CRD's validation:
 * origins are {@code *} or {@code scheme://host[:port]} with an optional leading {@code *.} label,
 * methods are HTTP methods or {@code *}, a {@code *} stands alone in its list, and maxAge is at
 * least 1 (default 5).
 */
final class CorsCompiler {
  private static final Pattern ORIGIN =
      Pattern.compile(
          "^(([a-z][a-z0-9+.-]*)://(\\*\\.)?[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?"
              + "(\\.[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?)*(:[0-9]{1,5})?|\\*)$");
  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "*");
  private static final Pattern HEADER = Pattern.compile("^[A-Za-z0-9!#$%&'*+\\-.^_`|~]+$");

  private CorsCompiler() {}

  /** The IR CORS settings, or null when the filter is invalid (problems say why). */
  static Cors compile(HTTPCORSFilter f, String at, List<RuleProblem> problems) {
    int before = problems.size();
    List<String> origins = nonNull(f.getAllowOrigins());
    for (int i = 0; i < origins.size(); i++) {
      if (origins.get(i) == null || !ORIGIN.matcher(origins.get(i)).matches()) {
        problems.add(
            unsupported(
                at
                    + ".allowOrigins["
                    + i
                    + "]: \""
                    + origins.get(i)
                    + "\" (expected: * or scheme://host[:port], host optionally starting with"
                    + " *.)"));
      }
    }
    List<String> methods = nonNull(f.getAllowMethods());
    for (int i = 0; i < methods.size(); i++) {
      if (!METHODS.contains(methods.get(i))) {
        problems.add(
            unsupported(
                at
                    + ".allowMethods["
                    + i
                    + "]: \""
                    + methods.get(i)
                    + "\" (expected: an HTTP method or *)"));
      }
    }
    headers(nonNull(f.getAllowHeaders()), at + ".allowHeaders", problems);
    headers(nonNull(f.getExposeHeaders()), at + ".exposeHeaders", problems);
    for (var list :
        List.of(
            List.of("allowOrigins", origins),
            List.of("allowMethods", methods),
            List.of("allowHeaders", nonNull(f.getAllowHeaders())),
            List.of("exposeHeaders", nonNull(f.getExposeHeaders())))) {
      List<?> values = (List<?>) list.get(1);
      if (values.size() > 1 && values.contains("*")) {
        problems.add(
            unsupported(
                at + "." + list.get(0) + ": \"*\" with other values (expected: \"*\" alone)"));
      }
    }
    int maxAge = Objects.requireNonNullElse(f.getMaxAge(), 5);
    if (maxAge < 1) {
      problems.add(unsupported(at + ".maxAge: " + maxAge + " (expected: at least 1)"));
    }
    if (problems.size() > before) {
      return null;
    }
    return new Cors(
        origins,
        Boolean.TRUE.equals(f.getAllowCredentials()),
        methods,
        nonNull(f.getAllowHeaders()),
        nonNull(f.getExposeHeaders()),
        maxAge);
  }

  private static void headers(List<String> headers, String at, List<RuleProblem> problems) {
    for (int i = 0; i < headers.size(); i++) {
      String h = headers.get(i);
      if (h == null || !HEADER.matcher(h).matches()) {
        problems.add(
            unsupported(at + "[" + i + "]: \"" + h + "\" (expected: an HTTP header name or *)"));
      }
    }
  }
}
