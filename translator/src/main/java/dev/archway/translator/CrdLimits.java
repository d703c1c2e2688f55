package dev.archway.translator;

import static dev.archway.translator.FilterCompiler.unsupported;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeader;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Bounds and list rules of the v1.6.1 CRDs (config/crd/standard/*.yaml: maxItems, list-type map and
 * set, x-kubernetes-validations) that a file user can break and an API server would have refused.
 * Standalone mode repeats them so that a manifest behaves the same in both modes.
 */
final class CrdLimits {
  static final int MAX_LISTENERS = 64;
  static final int MAX_HOSTNAMES = 16;
  static final int MAX_PARENT_REFS = 32;
  static final int MAX_RULES = 16;
  static final int MAX_MATCHES = 64;
  static final int MAX_TOTAL_MATCHES = 128;
  static final int MAX_FILTERS = 16;
  static final int MAX_BACKEND_REFS = 16;
  static final int MAX_MATCH_HEADERS = 16;
  static final int MAX_QUERY_PARAMS = 16;
  static final int MAX_HEADER_MODIFICATIONS = 16;
  static final int MAX_HEADER_VALUE = 4096;

  // apis/v1/shared_types.go HTTPHeaderName (and GRPCRoute's GRPCHeaderName): an RFC 7230 token.
  static final Pattern HEADER_NAME = Pattern.compile("^[A-Za-z0-9!#$%&'*+\\-.^_`|~]+$");

  // apis/v1/shared_types.go SectionName, which rule names use: a DNS subdomain.
  private static final Pattern SECTION_NAME =
      Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");

  private CrdLimits() {}

  /** A rule's optional name (HTTPRouteRule.Name, GRPCRouteRule.Name): a DNS subdomain. */
  static void ruleName(String name, String at, List<RuleProblem> problems) {
    if (name != null && (name.length() > 253 || !SECTION_NAME.matcher(name).matches())) {
      problems.add(
          unsupported(at + ": \"" + name + "\" (expected: a lower-case DNS subdomain name)"));
    }
  }

  /** A problem when a list holds more than {@code max} items, else null. */
  static RuleProblem tooMany(List<?> list, int max, String field) {
    return list.size() <= max
        ? null
        : unsupported(field + ": " + list.size() + " entries (expected: at most " + max + ")");
  }

  /** Adds a problem when a list holds more than {@code max} items; true when it did. */
  static boolean tooMany(List<?> list, int max, String field, List<RuleProblem> problems) {
    RuleProblem p = tooMany(list, max, field);
    if (p != null) {
      problems.add(p);
    }
    return p != null;
  }

  /**
   * The total number of matches over every rule (CEL on spec.rules of HTTPRoute and GRPCRoute: "the
   * total number of matches across all rules in a route must be less than 128"; the rule itself
   * allows 128).
   */
  static RuleProblem tooManyMatches(List<Integer> matchesPerRule) {
    int total = matchesPerRule.stream().mapToInt(Integer::intValue).sum();
    return total <= MAX_TOTAL_MATCHES
        ? null
        : unsupported(
            "spec.rules: "
                + total
                + " matches in all (expected: at most "
                + MAX_TOTAL_MATCHES
                + " across all rules)");
  }

  /**
   * A RequestHeaderModifier or ResponseHeaderModifier as the CRD has it: set and add are maps keyed
   * by name (no name twice), remove a set (no name twice), at most 16 entries each, names are
   * header names and values at most 4096 characters.
   */
  static void headerFilter(HTTPHeaderFilter f, String at, List<RuleProblem> problems) {
    headers(f.getSet(), at + ".set", problems);
    headers(f.getAdd(), at + ".add", problems);
    List<String> remove = ResourceIndex.nonNull(f.getRemove());
    tooMany(remove, MAX_HEADER_MODIFICATIONS, at + ".remove", problems);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < remove.size(); i++) {
      String name = remove.get(i);
      if (name == null || !HEADER_NAME.matcher(name).matches()) {
        problems.add(
            unsupported(
                at + ".remove[" + i + "]: \"" + name + "\" (expected: an HTTP header name)"));
      } else if (!seen.add(name)) {
        problems.add(
            unsupported(
                at + ".remove[" + i + "]: \"" + name + "\" is repeated (expected: unique names)"));
      }
    }
  }

  private static void headers(List<HTTPHeader> list, String at, List<RuleProblem> problems) {
    List<HTTPHeader> headers = ResourceIndex.nonNull(list);
    tooMany(headers, MAX_HEADER_MODIFICATIONS, at, problems);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < headers.size(); i++) {
      HTTPHeader h = headers.get(i);
      String hat = at + "[" + i + "]";
      if (h.getName() == null || !HEADER_NAME.matcher(h.getName()).matches()) {
        problems.add(
            unsupported(hat + ".name: \"" + h.getName() + "\" (expected: an HTTP header name)"));
      } else if (!seen.add(h.getName())) {
        // A list-type map keyed by name: the API server refuses the same key twice.
        problems.add(
            unsupported(
                hat
                    + ".name: \""
                    + h.getName()
                    + "\" is repeated (expected: each name at most once)"));
      }
      if (h.getValue() != null && h.getValue().length() > MAX_HEADER_VALUE) {
        problems.add(
            unsupported(
                hat
                    + ".value: "
                    + h.getValue().length()
                    + " characters (expected: at most "
                    + MAX_HEADER_VALUE
                    + ")"));
      }
    }
  }

  /**
   * The parentRefs rules every route kind shares: at most 32, and when several refer to the same
   * parent (group, kind, namespace as written, name), either all or none have a sectionName, and no
   * two have the same one (CEL on CommonRouteSpec.ParentRefs). A port does not tell two references
   * apart. Null when the references comply.
   */
  static RuleProblem parentRefs(List<ParentReference> refs) {
    RuleProblem tooMany = tooMany(refs, MAX_PARENT_REFS, "spec.parentRefs");
    if (tooMany != null) {
      return tooMany;
    }
    Map<List<String>, List<Integer>> byParent = new LinkedHashMap<>();
    for (int i = 0; i < refs.size(); i++) {
      ParentReference r = refs.get(i);
      List<String> parent = new ArrayList<>(4);
      parent.add(Objects.requireNonNullElse(r.getGroup(), ResourceIndex.GATEWAY_GROUP));
      parent.add(Objects.requireNonNullElse(r.getKind(), RouteParents.GATEWAY));
      parent.add(Objects.requireNonNullElse(r.getNamespace(), ""));
      parent.add(Objects.requireNonNullElse(r.getName(), ""));
      byParent.computeIfAbsent(parent, k -> new ArrayList<>()).add(i);
    }
    for (List<Integer> same : byParent.values()) {
      if (same.size() < 2) {
        continue;
      }
      Map<String, Integer> sections = new LinkedHashMap<>();
      boolean anyWithout = false;
      boolean anyWith = false;
      for (int i : same) {
        String section = Objects.requireNonNullElse(refs.get(i).getSectionName(), "");
        anyWithout |= section.isEmpty();
        anyWith |= !section.isEmpty();
        Integer first = sections.putIfAbsent(section, i);
        if (first != null && !section.isEmpty()) {
          return unsupported(
              "spec.parentRefs["
                  + i
                  + "].sectionName: \""
                  + section
                  + "\" is also used by spec.parentRefs["
                  + first
                  + "] for the same parent (expected: unique sectionNames)");
        } else if (first != null) {
          return unsupported(
              "spec.parentRefs["
                  + i
                  + "]: refers to the same parent as spec.parentRefs["
                  + first
                  + "] without a sectionName (expected: a distinct sectionName on each reference"
                  + " to one parent)");
        }
      }
      if (anyWithout && anyWith) {
        return unsupported(
            "spec.parentRefs"
                + same
                + ": refer to the same parent, some with and some without a sectionName"
                + " (expected: a sectionName on each of them)");
      }
    }
    return null;
  }
}
