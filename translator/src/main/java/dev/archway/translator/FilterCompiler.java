package dev.archway.translator;

import static dev.archway.translator.ResourceIndex.nonNull;

import dev.archway.api.status.RouteConditionReason;
import dev.archway.ir.HttpFilter;
import dev.archway.ir.HttpFilter.PathModifier;
import dev.archway.ir.HttpRouteOptions;
import dev.archway.ir.HttpRouteOptions.Cors;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeader;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPPathModifier;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRequestRedirectFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPURLRewriteFilter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a list of HTTPRouteFilters (of a rule or of a backendRef) into IR filters, checking what
 * the CRD's CEL rules would reject (apis/v1/httproute_types.go, HTTPRouteRule.Filters).
 */
final class FilterCompiler {
  private static final Set<Integer> REDIRECT_CODES = Set.of(301, 302, 303, 307, 308);
  private static final String SUPPORTED =
      "RequestHeaderModifier, ResponseHeaderModifier, RequestRedirect, URLRewrite, RequestMirror"
          + " or CORS";
  // apis/v1/shared_types.go PreciseHostname: no wildcard.
  private static final Pattern PRECISE_HOSTNAME =
      Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");

  /** What an empty filter list compiles to: most backendRefs have no filters. */
  private static final Compiled NONE = new Compiled(List.of(), List.of(), null);

  private FilterCompiler() {}

  /**
   * What a filter list compiles to.
   *
   * @param filters the IR filters, in order
   * @param mirrors the RequestMirror filters, in order
   * @param cors the CORS filter, or null
   */
  record Compiled(
      List<HttpFilter> filters, List<HttpRouteOptions.RequestMirror> mirrors, Cors cors) {}

  /**
   * Where a filter list sits, for the filters that refer to backends.
   *
   * @param resolver resolves RequestMirror backendRefs
   * @param routeKind HTTPRoute or GRPCRoute, for ReferenceGrants
   * @param namespace the route's namespace
   * @param backendLevel whether this is a backendRef's filter list, where RequestMirror and CORS
   *     are not supported
   * @param backendProblems where unresolved mirror backendRefs are reported (ResolvedRefs)
   */
  record Scope(
      BackendResolver resolver,
      String routeKind,
      String namespace,
      boolean backendLevel,
      List<RuleProblem> backendProblems) {}

  /**
   * The IR filters, in order; problems are added to {@code problems} and the offending filter left
   * out (the caller drops the rule).
   *
   * @param field the path of the filter list, such as {@code spec.rules[0].filters}
   * @param matchedPrefix the rule's only PathPrefix value, or null when the rule does not have
   *     exactly one PathPrefix match (ReplacePrefixMatch needs one)
   */
  static Compiled compile(
      List<HTTPRouteFilter> filters,
      String field,
      String matchedPrefix,
      Scope scope,
      List<RuleProblem> problems) {
    if (filters.isEmpty()) {
      return NONE;
    }
    List<HttpFilter> result = new ArrayList<>();
    List<HttpRouteOptions.RequestMirror> mirrors = new ArrayList<>();
    Cors[] cors = new Cors[1];
    Set<String> seen = new HashSet<>();
    CrdLimits.tooMany(filters, CrdLimits.MAX_FILTERS, field, problems);
    for (int i = 0; i < filters.size(); i++) {
      HTTPRouteFilter f = filters.get(i);
      String at = field + "[" + i + "]";
      String type = f.getType();
      if (type != null && !seen.add(type) && !type.equals("RequestMirror")) {
        // CEL: each filter type but RequestMirror at most once per list.
        problems.add(
            unsupported(at + ".type: \"" + type + "\" is repeated (expected: at most one)"));
        continue;
      }
      HttpFilter compiled =
          switch (type == null ? "" : type) {
            case "RequestHeaderModifier" ->
                headerFilter(f.getRequestHeaderModifier(), at, "requestHeaderModifier", problems)
                    ? requestHeaders(f.getRequestHeaderModifier())
                    : null;
            case "ResponseHeaderModifier" ->
                headerFilter(f.getResponseHeaderModifier(), at, "responseHeaderModifier", problems)
                    ? responseHeaders(f.getResponseHeaderModifier())
                    : null;
            case "RequestRedirect" ->
                required(f.getRequestRedirect(), at, "requestRedirect", problems)
                    ? redirect(
                        f.getRequestRedirect(), at + ".requestRedirect", matchedPrefix, problems)
                    : null;
            case "URLRewrite" ->
                required(f.getUrlRewrite(), at, "urlRewrite", problems)
                    ? rewrite(f.getUrlRewrite(), at + ".urlRewrite", matchedPrefix, problems)
                    : null;
            case "RequestMirror", "CORS" -> {
              if (scope.backendLevel()) {
                problems.add(
                    unsupported(
                        at
                            + ".type: \""
                            + type
                            + "\" is not supported in backendRefs[].filters (expected: it in the"
                            + " rule's filters)"));
              } else if (type.equals("CORS")) {
                if (required(f.getCors(), at, "cors", problems)) {
                  cors[0] = CorsCompiler.compile(f.getCors(), at + ".cors", problems);
                }
              } else if (required(f.getRequestMirror(), at, "requestMirror", problems)) {
                HttpRouteOptions.RequestMirror m =
                    MirrorCompiler.compile(
                        f.getRequestMirror(), at + ".requestMirror", scope, problems);
                if (m != null) {
                  mirrors.add(m);
                }
              }
              yield null;
            }
            case "ExtensionRef", "ExternalAuth" -> {
              // ExtensionRef is implementation-specific and ExternalAuth experimental: neither is
              // supported, so the rule is dropped.
              problems.add(
                  unsupported(
                      at
                          + ".type: \""
                          + type
                          + "\" is not supported (expected: "
                          + SUPPORTED
                          + ")"));
              yield null;
            }
            case "" -> {
              problems.add(unsupported(at + ".type: missing (expected: " + SUPPORTED + ")"));
              yield null;
            }
            default -> {
              problems.add(
                  unsupported(at + ".type: \"" + type + "\" (expected: " + SUPPORTED + ")"));
              yield null;
            }
          };
      if (compiled != null) {
        result.add(compiled);
      }
    }
    if (seen.contains("RequestRedirect") && seen.contains("URLRewrite")) {
      problems.add(
          new RuleProblem(
              RouteConditionReason.INCOMPATIBLE_FILTERS,
              field + ": RequestRedirect and URLRewrite together (expected: at most one of them)"));
    }
    return new Compiled(result, mirrors, cors[0]);
  }

  /** Whether a header modifier is present and as the CRD has it (problems say why not). */
  static boolean headerFilter(
      HTTPHeaderFilter config, String at, String name, List<RuleProblem> problems) {
    if (!required(config, at, name, problems)) {
      return false;
    }
    int before = problems.size();
    CrdLimits.headerFilter(config, at + "." + name, problems);
    return problems.size() == before;
  }

  private static boolean required(
      Object config, String at, String name, List<RuleProblem> problems) {
    if (config == null) {
      problems.add(unsupported(at + "." + name + ": missing (expected: set for this filter type)"));
      return false;
    }
    return true;
  }

  private static HttpFilter requestHeaders(HTTPHeaderFilter f) {
    return new HttpFilter.RequestHeaderModifier(
        headers(f.getSet()), headers(f.getAdd()), nonNull(f.getRemove()));
  }

  private static HttpFilter responseHeaders(HTTPHeaderFilter f) {
    return new HttpFilter.ResponseHeaderModifier(
        headers(f.getSet()), headers(f.getAdd()), nonNull(f.getRemove()));
  }

  private static List<HttpFilter.Header> headers(List<HTTPHeader> headers) {
    return nonNull(headers).stream()
        .filter(h -> h.getName() != null)
        .map(h -> new HttpFilter.Header(h.getName(), h.getValue() == null ? "" : h.getValue()))
        .toList();
  }

  private static HttpFilter redirect(
      HTTPRequestRedirectFilter r, String at, String matchedPrefix, List<RuleProblem> problems) {
    int before = problems.size();
    if (r.getScheme() != null && !r.getScheme().equals("http") && !r.getScheme().equals("https")) {
      problems.add(
          unsupported(at + ".scheme: \"" + r.getScheme() + "\" (expected: http or https)"));
    }
    checkHostname(r.getHostname(), at + ".hostname", problems);
    if (r.getPort() != null && (r.getPort() < 1 || r.getPort() > 65535)) {
      problems.add(unsupported(at + ".port: " + r.getPort() + " (expected: 1-65535)"));
    }
    int statusCode = r.getStatusCode() == null ? 302 : r.getStatusCode();
    if (!REDIRECT_CODES.contains(statusCode)) {
      problems.add(
          unsupported(
              at + ".statusCode: " + statusCode + " (expected: 301, 302, 303, 307 or 308)"));
    }
    PathModifier path = path(r.getPath(), at + ".path", matchedPrefix, problems);
    if (problems.size() > before) {
      return null;
    }
    return new HttpFilter.RequestRedirect(
        r.getScheme(), r.getHostname(), r.getPort(), path, statusCode);
  }

  private static HttpFilter rewrite(
      HTTPURLRewriteFilter r, String at, String matchedPrefix, List<RuleProblem> problems) {
    int before = problems.size();
    checkHostname(r.getHostname(), at + ".hostname", problems);
    PathModifier path = path(r.getPath(), at + ".path", matchedPrefix, problems);
    return problems.size() > before ? null : new HttpFilter.UrlRewrite(r.getHostname(), path);
  }

  private static void checkHostname(String hostname, String at, List<RuleProblem> problems) {
    if (hostname != null
        && (hostname.length() > 253 || !PRECISE_HOSTNAME.matcher(hostname).matches())) {
      problems.add(
          unsupported(
              at + ": \"" + hostname + "\" (expected: a lower-case DNS name without wildcard)"));
    }
  }

  private static PathModifier path(
      HTTPPathModifier p, String at, String matchedPrefix, List<RuleProblem> problems) {
    if (p == null) {
      return null;
    }
    String type = p.getType() == null ? "" : p.getType();
    switch (type) {
      case "ReplaceFullPath" -> {
        if (p.getReplaceFullPath() == null) {
          problems.add(
              unsupported(
                  at + ".replaceFullPath: missing (expected: set for type ReplaceFullPath)"));
          return null;
        }
        return new PathModifier(PathModifier.Type.REPLACE_FULL_PATH, p.getReplaceFullPath(), null);
      }
      case "ReplacePrefixMatch" -> {
        if (p.getReplacePrefixMatch() == null) {
          problems.add(
              unsupported(
                  at + ".replacePrefixMatch: missing (expected: set for type ReplacePrefixMatch)"));
          return null;
        }
        if (matchedPrefix == null) {
          problems.add(
              unsupported(
                  at
                      + ".type: ReplacePrefixMatch needs a rule with exactly one match, of type"
                      + " PathPrefix (expected: one PathPrefix match)"));
          return null;
        }
        return new PathModifier(
            PathModifier.Type.REPLACE_PREFIX_MATCH, p.getReplacePrefixMatch(), matchedPrefix);
      }
      default -> {
        problems.add(
            unsupported(
                at + ".type: \"" + type + "\" (expected: ReplaceFullPath or ReplacePrefixMatch)"));
        return null;
      }
    }
  }

  static RuleProblem unsupported(String message) {
    return new RuleProblem(RouteConditionReason.UNSUPPORTED_VALUE, message);
  }
}
