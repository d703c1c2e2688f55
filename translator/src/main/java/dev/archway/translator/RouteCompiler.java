package dev.archway.translator;

import static dev.archway.translator.FilterCompiler.unsupported;
import static dev.archway.translator.ResourceIndex.nonNull;

import dev.archway.api.status.RouteConditionReason;
import dev.archway.ir.Destination;
import dev.archway.ir.HttpFilter;
import dev.archway.ir.HttpMatch;
import dev.archway.ir.HttpRouteOptions;
import dev.archway.ir.PathMatch;
import dev.archway.ir.WeightedBackend;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * Compiles the parent-independent part of an HTTPRoute: its hostnames, and each rule's matches,
 * filters and backends.
 *
 * <p>A rule the CRD would reject, or that uses a filter Archway does not support yet, is dropped
 * (the spec's "Dropped Rule" approach to PartiallyInvalid); the route is not Accepted when every
 * rule is dropped. Unresolvable backendRefs do not drop a rule: their share of requests gets a 500
 * and ResolvedRefs says why.
 */
final class RouteCompiler {
  private RouteCompiler() {}

  /**
   * A compiled rule.
   *
   * @param index the rule's index in spec.rules
   * @param matches one IR match per spec match (the default match when there are none)
   * @param filters the rule's filters
   * @param backends one per backendRef; a null destination stands for an invalid reference
   * @param options mirrors, CORS, timeouts and retry, or null
   */
  record CompiledRule(
      int index,
      List<HttpMatch> matches,
      List<HttpFilter> filters,
      List<WeightedBackend> backends,
      HttpRouteOptions options) {}

  /**
   * A compiled route.
   *
   * @param hostnames spec.hostnames (all valid when {@code routeProblem} is null)
   * @param rules the usable rules, in spec order
   * @param routeProblem why the whole route is invalid, or null
   * @param droppedRules why rules were dropped, in rule order
   * @param backendProblems why backendRefs did not resolve, in rule order
   */
  record CompiledRoute(
      List<String> hostnames,
      List<CompiledRule> rules,
      RuleProblem routeProblem,
      List<RuleProblem> droppedRules,
      List<RuleProblem> backendProblems) {

    RouteParents.Validity validity() {
      return new RouteParents.Validity(
          hostnames, routeProblem, rules.size(), droppedRules, backendProblems);
    }
  }

  static CompiledRoute compile(HTTPRoute route, BackendResolver backends) {
    String namespace = route.getMetadata().getNamespace();
    return compileRules(
        route.getSpec() == null ? List.of() : nonNull(route.getSpec().getHostnames()),
        route.getSpec() == null ? List.of() : nonNull(route.getSpec().getRules()),
        r -> nonNull(r.getMatches()).size(),
        HTTPRouteRule::getName,
        // CRD default: one rule matching every path, with no backends.
        HTTPRouteRule::new,
        (rule, i, problems, backendProblems) ->
            compileRule(rule, i, namespace, backends, problems, backendProblems));
  }

  /** Compiles one rule; problems drop the rule, backend problems only mark its refs. */
  interface RuleCompiler<R> {
    CompiledRule compile(
        R rule, int index, List<RuleProblem> problems, List<RuleProblem> backendProblems);
  }

  /**
   * What HTTPRoute and GRPCRoute share: the route-level checks the CRD makes (hostname syntax, list
   * sizes, rule names used once), then each rule on its own, a rule with a problem being dropped
   * whole.
   */
  static <R> CompiledRoute compileRules(
      List<String> hostnames,
      List<R> specRules,
      ToIntFunction<R> matchCount,
      Function<R, String> ruleName,
      Supplier<R> defaultRule,
      RuleCompiler<R> compileRule) {
    RuleProblem routeProblem = null;
    for (int i = 0; i < hostnames.size() && routeProblem == null; i++) {
      if (!Hostnames.isValid(hostnames.get(i))) {
        routeProblem =
            unsupported(
                "spec.hostnames["
                    + i
                    + "]: \""
                    + hostnames.get(i)
                    + "\" (expected: "
                    + Hostnames.EXPECTED
                    + ")");
      }
    }
    if (routeProblem == null) {
      routeProblem = CrdLimits.tooMany(hostnames, CrdLimits.MAX_HOSTNAMES, "spec.hostnames");
    }
    if (routeProblem == null) {
      routeProblem = CrdLimits.tooMany(specRules, CrdLimits.MAX_RULES, "spec.rules");
    }
    if (routeProblem == null) {
      routeProblem =
          CrdLimits.tooManyMatches(specRules.stream().map(r -> matchCount.applyAsInt(r)).toList());
    }
    // CEL on spec.rules: "Rule name must be unique within the route".
    Map<String, Integer> names = new HashMap<>();
    for (int i = 0; i < specRules.size() && routeProblem == null; i++) {
      String name = ruleName.apply(specRules.get(i));
      Integer first = name == null ? null : names.putIfAbsent(name, i);
      if (first != null) {
        routeProblem =
            unsupported(
                "spec.rules["
                    + i
                    + "].name: \""
                    + name
                    + "\" is also the name of spec.rules["
                    + first
                    + "] (expected: unique rule names)");
      }
    }
    if (specRules.isEmpty()) {
      specRules = List.of(defaultRule.get());
    }
    List<CompiledRule> rules = new ArrayList<>();
    List<RuleProblem> dropped = new ArrayList<>();
    List<RuleProblem> backendProblems = new ArrayList<>();
    for (int i = 0; i < specRules.size(); i++) {
      List<RuleProblem> problems = new ArrayList<>();
      List<RuleProblem> ruleBackendProblems = new ArrayList<>();
      CompiledRule rule = compileRule.compile(specRules.get(i), i, problems, ruleBackendProblems);
      if (problems.isEmpty()) {
        rules.add(rule);
        backendProblems.addAll(ruleBackendProblems);
      } else {
        dropped.addAll(problems);
      }
    }
    return new CompiledRoute(hostnames, rules, routeProblem, dropped, backendProblems);
  }

  private static CompiledRule compileRule(
      HTTPRouteRule rule,
      int index,
      String namespace,
      BackendResolver resolver,
      List<RuleProblem> problems,
      List<RuleProblem> backendProblems) {
    String at = "spec.rules[" + index + "]";
    List<HttpMatch> matches =
        ruleMatches(
            at,
            rule.getName(),
            nonNull(rule.getMatches()),
            nonNull(rule.getBackendRefs()),
            MatchCompiler::compile,
            problems);
    // ReplacePrefixMatch needs exactly one match, a PathPrefix (CEL on HTTPRouteRule).
    String matchedPrefix =
        matches.size() == 1 && matches.get(0).path().type() == PathMatch.Type.PATH_PREFIX
            ? matches.get(0).path().value()
            : null;
    FilterCompiler.Compiled compiledFilters =
        FilterCompiler.compile(
            nonNull(rule.getFilters()),
            at + ".filters",
            matchedPrefix,
            new FilterCompiler.Scope(
                resolver, Protocols.HTTP_ROUTE, namespace, false, backendProblems),
            problems);
    List<HttpFilter> filters = compiledFilters.filters();
    HttpRouteOptions options =
        new HttpRouteOptions(
            compiledFilters.mirrors(),
            compiledFilters.cors(),
            RuleOptions.timeouts(rule.getTimeouts(), at + ".timeouts", problems),
            RuleOptions.retry(rule.getRetry(), at + ".retry", problems),
            rule.getName(),
            false);
    List<HTTPBackendRef> refs = nonNull(rule.getBackendRefs());
    if (!refs.isEmpty() && hasRedirect(filters)) {
      problems.add(
          new RuleProblem(
              RouteConditionReason.INCOMPATIBLE_FILTERS,
              at + ": a RequestRedirect filter with backendRefs (expected: one or the other)"));
    }
    List<WeightedBackend> weighted = new ArrayList<>();
    for (int k = 0; k < refs.size(); k++) {
      WeightedBackend b =
          backend(
              refs.get(k),
              at + ".backendRefs[" + k + "]",
              namespace,
              matchedPrefix,
              resolver,
              problems,
              backendProblems);
      if (b != null) {
        weighted.add(b);
      }
    }
    return new CompiledRule(index, matches, filters, weighted, options.isEmpty() ? null : options);
  }

  /** Compiles one match of a rule, or returns null after adding a problem. */
  @FunctionalInterface
  interface MatchCompiling<M> {
    HttpMatch compile(M match, String at, List<RuleProblem> problems);
  }

  /**
   * What an HTTPRoute rule and a GRPCRoute rule start with alike: the CRD's checks of the rule's
   * name and list sizes, then its matches compiled one by one (a rule without matches matches every
   * request; a match that does not compile is left out, its problem added).
   */
  static <M> List<HttpMatch> ruleMatches(
      String at,
      String name,
      List<M> specMatches,
      List<?> backendRefs,
      MatchCompiling<M> compiling,
      List<RuleProblem> problems) {
    CrdLimits.ruleName(name, at + ".name", problems);
    CrdLimits.tooMany(specMatches, CrdLimits.MAX_MATCHES, at + ".matches", problems);
    CrdLimits.tooMany(backendRefs, CrdLimits.MAX_BACKEND_REFS, at + ".backendRefs", problems);
    List<HttpMatch> matches = new ArrayList<>();
    if (specMatches.isEmpty()) {
      matches.add(HttpMatch.ANY);
    }
    for (int j = 0; j < specMatches.size(); j++) {
      HttpMatch m = compiling.compile(specMatches.get(j), at + ".matches[" + j + "]", problems);
      if (m != null) {
        matches.add(m);
      }
    }
    return matches;
  }

  private static boolean hasRedirect(List<HttpFilter> filters) {
    for (HttpFilter f : filters) {
      if (f instanceof HttpFilter.RequestRedirect) {
        return true;
      }
    }
    return false;
  }

  private static WeightedBackend backend(
      HTTPBackendRef ref,
      String at,
      String namespace,
      String matchedPrefix,
      BackendResolver resolver,
      List<RuleProblem> problems,
      List<RuleProblem> backendProblems) {
    int before = problems.size();
    int weight = Objects.requireNonNullElse(ref.getWeight(), 1);
    if (weight < 0 || weight > 1_000_000) {
      problems.add(unsupported(at + ".weight: " + weight + " (expected: 0-1000000)"));
    }
    if (ref.getName() == null || ref.getName().isEmpty()) {
      problems.add(unsupported(at + ".name: missing (expected: the name of the referent)"));
    }
    boolean service =
        Objects.requireNonNullElse(ref.getGroup(), "").isEmpty()
            && Objects.requireNonNullElse(ref.getKind(), "Service").equals("Service");
    if (service && ref.getPort() == null) {
      problems.add(unsupported(at + ".port: missing (expected: a port of the Service)"));
    }
    List<HttpFilter> filters =
        FilterCompiler.compile(
                nonNull(ref.getFilters()),
                at + ".filters",
                matchedPrefix,
                new FilterCompiler.Scope(
                    resolver, Protocols.HTTP_ROUTE, namespace, true, backendProblems),
                problems)
            .filters();
    if (problems.size() > before) {
      return null;
    }
    Destination destination = resolver.resolve(ref, namespace, at, backendProblems);
    return new WeightedBackend(destination == null ? null : destination.name(), weight, filters);
  }
}
