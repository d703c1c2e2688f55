package dev.archway.translator;

import dev.archway.api.snapshot.ResourceKey;
import dev.archway.api.status.Conditions;
import dev.archway.api.status.GatewayClassConditionReason;
import dev.archway.api.status.GatewayClassConditionType;
import dev.archway.api.v1alpha1.ArchwayApi;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.SupportedFeature;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Picks the GatewayClasses Archway serves and computes their status. */
final class GatewayClasses {
  /**
   * The conformance features (pkg/features at v1.6.1) this translator implements, sorted as the
   * spec asks. Only claim a feature once it works end to end: the suite runs the tests of every
   * feature listed here.
   */
  static final List<String> SUPPORTED_FEATURES =
      List.of(
              "Gateway",
              "GatewayHTTPListenerIsolation",
              "GatewayPort8080",
              "HTTPRoute",
              "HTTPRouteHostRewrite",
              "HTTPRouteMethodMatching",
              "HTTPRoutePathRedirect",
              "HTTPRoutePathRewrite",
              "HTTPRoutePortRedirect",
              "HTTPRouteQueryParamMatching",
              "HTTPRouteResponseHeaderModification",
              "HTTPRouteSchemeRedirect",
              "ReferenceGrant")
          .stream()
          .sorted()
          .toList();

  private GatewayClasses() {}

  /**
   * Adds the status of each class Archway serves to {@code statuses}; returns their names. Classes
   * of other controllers get no status: they are not Archway's to write.
   */
  static Set<String> process(List<GatewayClass> classes, Map<ResourceKey, Object> statuses) {
    Set<String> ours = new HashSet<>();
    for (GatewayClass gc : classes) {
      if (gc.getSpec() == null
          || !ArchwayApi.CONTROLLER_NAME.equals(gc.getSpec().getControllerName())) {
        continue;
      }
      ours.add(gc.getMetadata().getName());
      // TODO(issue 02): resolve spec.parametersRef (ProxyConfig); InvalidParameters when it does
      // not resolve. It is ignored for now.
      GatewayClassStatus status = new GatewayClassStatus();
      status.setConditions(
          List.of(
              Conditions.create(
                  GatewayClassConditionType.ACCEPTED,
                  true,
                  GatewayClassConditionReason.ACCEPTED,
                  "Archway (" + ArchwayApi.CONTROLLER_NAME + ") serves this class",
                  gc.getMetadata().getGeneration())));
      status.setSupportedFeatures(
          SUPPORTED_FEATURES.stream()
              .map(
                  name -> {
                    SupportedFeature f = new SupportedFeature();
                    f.setName(name);
                    return f;
                  })
              .toList());
      statuses.put(ResourceKey.of(gc), status);
    }
    return ours;
  }
}
