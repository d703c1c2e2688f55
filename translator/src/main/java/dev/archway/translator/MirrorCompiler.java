package dev.archway.translator;

import static dev.archway.translator.FilterCompiler.unsupported;

import dev.archway.ir.Destination;
import dev.archway.ir.HttpRouteOptions;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Fraction;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRequestMirrorFilter;
import java.util.List;
import java.util.Objects;

/**
 * RequestMirror filters (apis/v1/httproute_types.go HTTPRequestMirrorFilter, GEP-3171 for percent
 * and fraction): the backendRef is resolved like a rule's backendRefs (ReferenceGrants, kinds,
 * appProtocol), and an unresolvable one is reported in ResolvedRefs without dropping the rule.
 */
final class MirrorCompiler {
  private MirrorCompiler() {}

  /** The IR mirror, or null when the filter is malformed (a problem says why). */
  static HttpRouteOptions.RequestMirror compile(
      HTTPRequestMirrorFilter f,
      String at,
      FilterCompiler.Scope scope,
      List<RuleProblem> problems) {
    if (f.getBackendRef() == null
        || f.getBackendRef().getName() == null
        || f.getBackendRef().getName().isEmpty()) {
      problems.add(unsupported(at + ".backendRef: missing (expected: a backend to mirror to)"));
      return null;
    }
    int numerator = 1;
    int denominator = 1;
    if (f.getPercent() != null && f.getFraction() != null) {
      problems.add(
          unsupported(at + ": percent and fraction both set (expected: at most one of them)"));
      return null;
    }
    if (f.getPercent() != null) {
      if (f.getPercent() < 0 || f.getPercent() > 100) {
        problems.add(unsupported(at + ".percent: " + f.getPercent() + " (expected: 0-100)"));
        return null;
      }
      numerator = f.getPercent();
      denominator = 100;
    } else if (f.getFraction() != null) {
      Fraction fraction = f.getFraction();
      int n = Objects.requireNonNullElse(fraction.getNumerator(), 0);
      int d = Objects.requireNonNullElse(fraction.getDenominator(), 100);
      if (n < 0 || d < 1 || n > d) {
        problems.add(
            unsupported(
                at
                    + ".fraction: "
                    + n
                    + "/"
                    + d
                    + " (expected: numerator 0 or more, denominator 1 or more, numerator <="
                    + " denominator)"));
        return null;
      }
      numerator = n;
      denominator = d;
    }
    boolean service =
        Objects.requireNonNullElse(f.getBackendRef().getGroup(), "").isEmpty()
            && Objects.requireNonNullElse(f.getBackendRef().getKind(), "Service").equals("Service");
    if (service && f.getBackendRef().getPort() == null) {
      problems.add(unsupported(at + ".backendRef.port: missing (expected: a port of the Service)"));
      return null;
    }
    Destination d =
        scope
            .resolver()
            .resolve(
                BackendResolver.Ref.of(f.getBackendRef()),
                scope.routeKind(),
                scope.namespace(),
                at + ".backendRef",
                scope.routeKind().equals(Protocols.GRPC_ROUTE) ? Destination.AppProtocol.H2C : null,
                scope.backendProblems());
    return new HttpRouteOptions.RequestMirror(d == null ? null : d.name(), numerator, denominator);
  }
}
