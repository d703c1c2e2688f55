package dev.archway.translator;

import static dev.archway.translator.FilterCompiler.unsupported;
import static dev.archway.translator.ResourceIndex.nonNull;

import dev.archway.ir.Destination;
import dev.archway.ir.HeaderMatch;
import dev.archway.ir.HttpFilter;
import dev.archway.ir.HttpMatch;
import dev.archway.ir.HttpRouteOptions;
import dev.archway.ir.PathMatch;
import dev.archway.ir.StringMatchType;
import dev.archway.ir.WeightedBackend;
import dev.archway.translator.RouteCompiler.CompiledRoute;
import dev.archway.translator.RouteCompiler.CompiledRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCHeaderMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCMethodMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Compiles a GRPCRoute (apis/v1/grpcroute_types.go) into HTTP routes: a gRPC call is an HTTP/2 POST
 * to {@code /<service>/<method>}, so a method match becomes a path match. Exact service and method:
 * the Exact path; service only: the PathPrefix {@code /<service>}; method only: a regular
 * expression over any service; RegularExpression types: a regular expression over the path. The
 * spec's precedence (longest service, then longest method, then most headers) then falls out of the
 * HTTP precedence: Exact before PathPrefix before regular expressions, then header count. Backends
 * are spoken to with HTTP/2 (h2c) whatever their appProtocol says.
 */
final class GrpcCompiler {
  // grpcroute_types.go GRPCMethodMatch: the CRD's patterns for Exact service and method.
  private static final Pattern SERVICE =
      Pattern.compile("^(?i)\\.?[a-z_][a-z_0-9]*(\\.[a-z_][a-z_0-9]*)*$");
  private static final Pattern METHOD = Pattern.compile("^[A-Za-z_][A-Za-z_0-9]*$");
  private static final Pattern HEADER_NAME = Pattern.compile("^[A-Za-z0-9!#$%&'*+\\-.^_`|~]+$");

  private GrpcCompiler() {}

  static CompiledRoute compile(GRPCRoute route, BackendResolver backends) {
    String namespace = route.getMetadata().getNamespace();
    return RouteCompiler.compileRules(
        route.getSpec() == null ? List.of() : nonNull(route.getSpec().getHostnames()),
        route.getSpec() == null ? List.of() : nonNull(route.getSpec().getRules()),
        r -> nonNull(r.getMatches()).size(),
        GRPCRouteRule::getName,
        GRPCRouteRule::new,
        (rule, i, problems, backendProblems) ->
            compileRule(rule, i, namespace, backends, problems, backendProblems));
  }

  private static CompiledRule compileRule(
      GRPCRouteRule rule,
      int index,
      String namespace,
      BackendResolver resolver,
      List<RuleProblem> problems,
      List<RuleProblem> backendProblems) {
    String at = "spec.rules[" + index + "]";
    List<HttpMatch> matches =
        RouteCompiler.ruleMatches(
            at,
            rule.getName(),
            nonNull(rule.getMatches()),
            nonNull(rule.getBackendRefs()),
            GrpcCompiler::match,
            problems);
    FilterCompiler.Compiled filters =
        FilterCompiler.compile(
            httpFilters(nonNull(rule.getFilters())),
            at + ".filters",
            null,
            new FilterCompiler.Scope(
                resolver, Protocols.GRPC_ROUTE, namespace, false, backendProblems),
            problems);
    List<WeightedBackend> weighted = new ArrayList<>();
    List<GRPCBackendRef> refs = nonNull(rule.getBackendRefs());
    for (int k = 0; k < refs.size(); k++) {
      GRPCBackendRef ref = refs.get(k);
      String bat = at + ".backendRefs[" + k + "]";
      int before = problems.size();
      int weight = Objects.requireNonNullElse(ref.getWeight(), 1);
      if (weight < 0 || weight > 1_000_000) {
        problems.add(unsupported(bat + ".weight: " + weight + " (expected: 0-1000000)"));
      }
      if (ref.getName() == null || ref.getName().isEmpty()) {
        problems.add(unsupported(bat + ".name: missing (expected: the name of the referent)"));
      }
      List<HttpFilter> backendFilters =
          FilterCompiler.compile(
                  httpFilters(nonNull(ref.getFilters())),
                  bat + ".filters",
                  null,
                  new FilterCompiler.Scope(
                      resolver, Protocols.GRPC_ROUTE, namespace, true, backendProblems),
                  problems)
              .filters();
      if (problems.size() > before) {
        continue;
      }
      Destination d =
          resolver.resolve(
              BackendResolver.Ref.of(ref),
              Protocols.GRPC_ROUTE,
              namespace,
              bat,
              Destination.AppProtocol.H2C,
              backendProblems);
      weighted.add(new WeightedBackend(d == null ? null : d.name(), weight, backendFilters));
    }
    HttpRouteOptions options =
        new HttpRouteOptions(filters.mirrors(), null, null, null, rule.getName(), true);
    return new CompiledRule(index, matches, filters.filters(), weighted, options);
  }

  /** GRPCRouteFilters as HTTPRouteFilters: the types they share have the same shape. */
  private static List<HTTPRouteFilter> httpFilters(List<GRPCRouteFilter> filters) {
    List<HTTPRouteFilter> result = new ArrayList<>();
    for (GRPCRouteFilter g : filters) {
      HTTPRouteFilter f = new HTTPRouteFilter();
      f.setType(g.getType());
      f.setRequestHeaderModifier(g.getRequestHeaderModifier());
      f.setResponseHeaderModifier(g.getResponseHeaderModifier());
      f.setRequestMirror(g.getRequestMirror());
      f.setExtensionRef(g.getExtensionRef());
      result.add(f);
    }
    return result;
  }

  private static HttpMatch match(GRPCRouteMatch m, String at, List<RuleProblem> problems) {
    int before = problems.size();
    PathMatch path = PathMatch.ANY;
    GRPCMethodMatch method = m.getMethod();
    if (method != null) {
      path = path(method, at + ".method", problems);
    }
    List<HeaderMatch> headers = new ArrayList<>();
    Set<String> names = new HashSet<>();
    List<GRPCHeaderMatch> specHeaders = nonNull(m.getHeaders());
    CrdLimits.tooMany(specHeaders, CrdLimits.MAX_MATCH_HEADERS, at + ".headers", problems);
    for (int i = 0; i < specHeaders.size(); i++) {
      GRPCHeaderMatch h = specHeaders.get(i);
      String hat = at + ".headers[" + i + "]";
      if (h.getName() == null || !HEADER_NAME.matcher(h.getName()).matches()) {
        problems.add(unsupported(hat + ".name: \"" + h.getName() + "\" (expected: a header name)"));
        continue;
      }
      if (h.getValue() == null) {
        problems.add(unsupported(hat + ".value: missing (expected: a value to compare)"));
        continue;
      }
      String type = Objects.requireNonNullElse(h.getType(), "Exact");
      StringMatchType t;
      if (type.equals("Exact")) {
        t = StringMatchType.EXACT;
      } else if (type.equals("RegularExpression")
          && MatchCompiler.regexValid(h.getValue(), hat + ".value", problems)) {
        t = StringMatchType.REGULAR_EXPRESSION;
      } else {
        if (!type.equals("RegularExpression")) {
          problems.add(
              unsupported(hat + ".type: \"" + type + "\" (expected: Exact or RegularExpression)"));
        }
        continue;
      }
      // Header names are case-insensitive; of equivalent names only the first counts.
      if (names.add(h.getName().toLowerCase(Locale.ROOT))) {
        headers.add(new HeaderMatch(h.getName(), t, h.getValue()));
      }
    }
    return problems.size() > before ? null : new HttpMatch(path, "POST", headers, List.of());
  }

  private static PathMatch path(GRPCMethodMatch m, String at, List<RuleProblem> problems) {
    String service = m.getService();
    String method = m.getMethod();
    String type = Objects.requireNonNullElse(m.getType(), "Exact");
    if ((service == null || service.isEmpty()) && (method == null || method.isEmpty())) {
      // CEL: one or both of service and method must be specified.
      problems.add(unsupported(at + ": neither service nor method (expected: one or both)"));
      return null;
    }
    switch (type) {
      case "Exact" -> {
        if (service != null && !SERVICE.matcher(service).matches()) {
          problems.add(
              unsupported(at + ".service: \"" + service + "\" (expected: a gRPC service name)"));
          return null;
        }
        if (method != null && !METHOD.matcher(method).matches()) {
          problems.add(
              unsupported(at + ".method: \"" + method + "\" (expected: a gRPC method name)"));
          return null;
        }
        if (service != null && method != null) {
          return new PathMatch(PathMatch.Type.EXACT, "/" + service + "/" + method);
        }
        return service != null
            ? new PathMatch(PathMatch.Type.PATH_PREFIX, "/" + service)
            : new PathMatch(PathMatch.Type.REGULAR_EXPRESSION, "/[^/]+/" + method);
      }
      case "RegularExpression" -> {
        // Each part is checked where it was written, so the message quotes the user's text; the
        // combined pattern is checked too (a part ending inside \Q would swallow the group).
        if ((service != null && !MatchCompiler.regexValid(service, at + ".service", problems))
            || (method != null && !MatchCompiler.regexValid(method, at + ".method", problems))) {
          return null;
        }
        String s = service == null ? "[^/]+" : service;
        String me = method == null ? "[^/]+" : method;
        String regex = "/(" + s + ")/(" + me + ")";
        return MatchCompiler.regexValid(regex, at, problems)
            ? new PathMatch(PathMatch.Type.REGULAR_EXPRESSION, regex)
            : null;
      }
      default -> {
        problems.add(
            unsupported(at + ".type: \"" + type + "\" (expected: Exact or RegularExpression)"));
        return null;
      }
    }
  }
}
