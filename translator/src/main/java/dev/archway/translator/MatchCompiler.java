package dev.archway.translator;

import static dev.archway.translator.FilterCompiler.unsupported;
import static dev.archway.translator.ResourceIndex.nonNull;

import dev.archway.ir.HeaderMatch;
import dev.archway.ir.HttpMatch;
import dev.archway.ir.PathMatch;
import dev.archway.ir.QueryParamMatch;
import dev.archway.ir.StringMatchType;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPPathMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPQueryParamMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Turns an HTTPRouteMatch into an IR match with the CRD's defaults (path PathPrefix {@code /},
 * header and query types Exact) and its validation (apis/v1/httproute_types.go HTTPPathMatch).
 */
final class MatchCompiler {
  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");
  private static final Pattern PATH_CHARACTERS =
      Pattern.compile("^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$");
  private static final Pattern HEADER_NAME = Pattern.compile("^[A-Za-z0-9!#$%&'*+\\-.^_`|~]+$");

  private MatchCompiler() {}

  /** The IR match, or null when the match is invalid (problems say why). */
  static HttpMatch compile(HTTPRouteMatch m, String at, List<RuleProblem> problems) {
    int before = problems.size();
    PathMatch path = path(m.getPath(), at + ".path", problems);
    String method = m.getMethod();
    if (method != null && !METHODS.contains(method)) {
      problems.add(
          unsupported(
              at
                  + ".method: \""
                  + method
                  + "\" (expected: one of "
                  + String.join(", ", sorted(METHODS))
                  + ")"));
    }
    List<HeaderMatch> headers = new ArrayList<>();
    Set<String> headerNames = new HashSet<>();
    List<HTTPHeaderMatch> specHeaders = nonNull(m.getHeaders());
    CrdLimits.tooMany(specHeaders, CrdLimits.MAX_MATCH_HEADERS, at + ".headers", problems);
    for (int i = 0; i < specHeaders.size(); i++) {
      HTTPHeaderMatch h = specHeaders.get(i);
      String hat = at + ".headers[" + i + "]";
      if (h.getName() == null || !HEADER_NAME.matcher(h.getName()).matches()) {
        problems.add(
            unsupported(hat + ".name: \"" + h.getName() + "\" (expected: an HTTP header name)"));
        continue;
      }
      StringMatchType type = stringType(h.getType(), h.getValue(), hat, problems);
      // Header names are case-insensitive; of equivalent names only the first counts.
      if (type != null && headerNames.add(h.getName().toLowerCase(Locale.ROOT))) {
        headers.add(new HeaderMatch(h.getName(), type, h.getValue()));
      }
    }
    List<QueryParamMatch> queryParams = new ArrayList<>();
    Set<String> queryNames = new HashSet<>();
    List<HTTPQueryParamMatch> specQuery = nonNull(m.getQueryParams());
    CrdLimits.tooMany(specQuery, CrdLimits.MAX_QUERY_PARAMS, at + ".queryParams", problems);
    for (int i = 0; i < specQuery.size(); i++) {
      HTTPQueryParamMatch q = specQuery.get(i);
      String qat = at + ".queryParams[" + i + "]";
      if (q.getName() == null || q.getName().isEmpty()) {
        problems.add(unsupported(qat + ".name: missing (expected: a query parameter name)"));
        continue;
      }
      if (!HEADER_NAME.matcher(q.getName()).matches() || q.getName().length() > 256) {
        // apis/v1/httproute_types.go HTTPHeaderName pattern, which query names share.
        problems.add(
            unsupported(
                qat
                    + ".name: \""
                    + q.getName()
                    + "\" (expected: a name of token characters, as for HTTP headers)"));
        continue;
      }
      StringMatchType type = stringType(q.getType(), q.getValue(), qat, problems);
      // Query parameter names are compared exactly; of equal names only the first counts.
      if (type != null && queryNames.add(q.getName())) {
        queryParams.add(new QueryParamMatch(q.getName(), type, q.getValue()));
      }
    }
    if (problems.size() > before) {
      return null;
    }
    return new HttpMatch(path, method, headers, queryParams);
  }

  /** The path match with defaults applied, or null when invalid. */
  static PathMatch path(HTTPPathMatch p, String at, List<RuleProblem> problems) {
    String type = p == null || p.getType() == null ? "PathPrefix" : p.getType();
    String value = p == null || p.getValue() == null ? "/" : p.getValue();
    switch (type) {
      case "Exact", "PathPrefix" -> {
        String expected = pathProblem(value);
        if (expected != null) {
          problems.add(unsupported(at + ".value: \"" + value + "\" (expected: " + expected + ")"));
          return null;
        }
        return new PathMatch(
            type.equals("Exact") ? PathMatch.Type.EXACT : PathMatch.Type.PATH_PREFIX, value);
      }
      case "RegularExpression" -> {
        return regexValid(value, at + ".value", problems)
            ? new PathMatch(PathMatch.Type.REGULAR_EXPRESSION, value)
            : null;
      }
      default -> {
        problems.add(
            unsupported(
                at + ".type: \"" + type + "\" (expected: Exact, PathPrefix or RegularExpression)"));
        return null;
      }
    }
  }

  /** What the CRD's CEL rules expect of an Exact or PathPrefix value, or null when it complies. */
  /**
   * {@link #PATH_CHARACTERS} as a loop: it runs for every path match of every route, and the
   * regular expression engine allocates on each call.
   */
  static boolean pathCharacters(String value) {
    int n = value.length();
    if (n == 0) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (c == '%') {
        if (i + 2 >= n || !isHex(value.charAt(i + 1)) || !isHex(value.charAt(i + 2))) {
          return false;
        }
        i += 2;
      } else if (!((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "-/._~!$&'()*+,;=:@".indexOf(c) >= 0)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static String pathProblem(String value) {
    if (!value.startsWith("/")) {
      return "an absolute path starting with \"/\"";
    }
    if (value.length() > 1024) {
      return "at most 1024 characters";
    }
    for (String bad : List.of("//", "/./", "/../", "%2f", "%2F", "#")) {
      if (value.contains(bad)) {
        return "no \"" + bad + "\"";
      }
    }
    if (value.endsWith("/..") || value.endsWith("/.")) {
      return "no trailing \"/.\" or \"/..\"";
    }
    if (!pathCharacters(value)) {
      return "only unreserved, sub-delim, \":\", \"@\", \"/\" and %-encoded characters";
    }
    return null;
  }

  private static StringMatchType stringType(
      String type, String value, String at, List<RuleProblem> problems) {
    if (value == null) {
      problems.add(unsupported(at + ".value: missing (expected: a value to compare)"));
      return null;
    }
    switch (type == null ? "Exact" : type) {
      case "Exact" -> {
        return StringMatchType.EXACT;
      }
      case "RegularExpression" -> {
        return regexValid(value, at + ".value", problems)
            ? StringMatchType.REGULAR_EXPRESSION
            : null;
      }
      default -> {
        problems.add(
            unsupported(at + ".type: \"" + type + "\" (expected: Exact or RegularExpression)"));
        return null;
      }
    }
  }

  /** Whether {@code regex} compiles; if not, a problem at {@code at} says why and where. */
  static boolean regexValid(String regex, String at, List<RuleProblem> problems) {
    try {
      Pattern.compile(regex);
      return true;
    } catch (PatternSyntaxException e) {
      problems.add(
          unsupported(
              at
                  + ": \""
                  + regex
                  + "\" is not a valid regular expression (expected: Java regex syntax; "
                  + e.getDescription()
                  + " near index "
                  + e.getIndex()
                  + ")"));
      return false;
    }
  }

  private static List<String> sorted(Set<String> values) {
    return values.stream().sorted().toList();
  }
}
