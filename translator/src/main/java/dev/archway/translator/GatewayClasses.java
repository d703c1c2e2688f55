package dev.archway.translator;

import dev.archway.api.snapshot.ResourceKey;
import dev.archway.api.status.Conditions;
import dev.archway.api.status.GatewayClassConditionReason;
import dev.archway.api.status.GatewayClassConditionType;
import dev.archway.api.v1alpha1.ArchwayApi;
import dev.archway.api.v1alpha1.ProxyConfig;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParametersReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.SupportedFeature;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Picks the GatewayClasses Archway serves and computes their status. */
final class GatewayClasses {
  /**
   * The conformance features (pkg/features at v1.6.1) this translator implements, sorted as the
   * spec asks; the suite runs the tests of every feature listed here (status.supportedFeatures).
   *
   * <p>Waiting on the data plane (issue 03), which does not serve them yet although the translator
   * compiles them into the IR: BackendTLSPolicy, BackendTLSPolicySANValidation,
   * GatewayBackendClientCertificate, GatewayFrontendClientCertificateValidation,
   * GatewayFrontendClientCertificateValidationInsecureFallback,
   * GatewayHTTPSListenerDetectMisdirectedRequests, GRPCRoute, HTTPRouteBackendProtocolH2C,
   * HTTPRouteBackendProtocolWebSocket, HTTPRouteBackendTimeout, HTTPRouteCORS,
   * HTTPRouteRequestMirror, HTTPRouteRequestMultipleMirrors, HTTPRouteRequestPercentageMirror,
   * HTTPRouteRequestTimeout, HTTPRouteRetry, ListenerSet, TCPRoute, TLSRoute, TLSRouteModeMixed,
   * TLSRouteModeTerminate, UDPRoute.
   *
   * <p>Features that depend on where Gateways run are added by {@link GatewayRuntime}. Not claimed
   * in any runtime: Mesh features.
   *
   * <p>HTTPRouteRetryBackendTimeout and HTTPRouteRetryConnectionError have no conformance test at
   * v1.6.1; the data plane retries a try that exceeded timeouts.backendRequest and one whose
   * connection failed (RouteOptionsIT).
   */
  static final List<String> SUPPORTED_FEATURES =
      List.of(
              "BackendTLSPolicy",
              "BackendTLSPolicySANValidation",
              "GRPCRoute",
              "GRPCRouteNamedRouteRule",
              "Gateway",
              "GatewayBackendClientCertificate",
              "GatewayFrontendClientCertificateValidation",
              "GatewayFrontendClientCertificateValidationInsecureFallback",
              "GatewayHTTPListenerIsolation",
              "GatewayHTTPSListenerDetectMisdirectedRequests",
              "GatewayPort8080",
              "HTTPRoute",
              "HTTPRoute303RedirectStatusCode",
              "HTTPRoute307RedirectStatusCode",
              "HTTPRoute308RedirectStatusCode",
              "HTTPRouteBackendProtocolH2C",
              "HTTPRouteBackendProtocolWebSocket",
              "HTTPRouteBackendRequestHeaderModification",
              "HTTPRouteBackendTimeout",
              "HTTPRouteCORS",
              "HTTPRouteDestinationPortMatching",
              "HTTPRouteHostRewrite",
              "HTTPRouteMethodMatching",
              "HTTPRouteNamedRouteRule",
              "HTTPRouteParentRefPort",
              "HTTPRoutePathRedirect",
              "HTTPRoutePathRewrite",
              "HTTPRoutePortRedirect",
              "HTTPRouteQueryParamMatching",
              "HTTPRouteRequestMirror",
              "HTTPRouteRequestMultipleMirrors",
              "HTTPRouteRequestPercentageMirror",
              "HTTPRouteRequestTimeout",
              "HTTPRouteResponseHeaderModification",
              "HTTPRouteRetry",
              "HTTPRouteRetryBackendTimeout",
              "HTTPRouteRetryConnectionError",
              "HTTPRouteSchemeRedirect",
              "ListenerSet",
              "ReferenceGrant",
              "TCPRoute",
              "TLSRoute",
              "TLSRouteModeMixed",
              "TLSRouteModeTerminate",
              "UDPRoute")
          .stream()
          .sorted()
          .toList();

  private GatewayClasses() {}

  /**
   * Adds the status of each class Archway serves to {@code statuses}; returns each one's
   * ProxyConfig (null when it has no parametersRef), by class name. Classes of other controllers
   * get no status: they are not Archway's to write. A class whose parametersRef does not resolve is
   * not Accepted (InvalidParameters) and its Gateways are not served.
   */
  static Map<String, ProxyConfig> process(
      List<GatewayClass> classes,
      ResourceIndex index,
      Map<ResourceKey, Object> statuses,
      GatewayRuntime runtime) {
    List<String> supported =
        Stream.concat(SUPPORTED_FEATURES.stream(), runtime.features().stream()).sorted().toList();
    Map<String, ProxyConfig> ours = new HashMap<>();
    for (GatewayClass gc : classes) {
      if (gc.getSpec() == null
          || !ArchwayApi.CONTROLLER_NAME.equals(gc.getSpec().getControllerName())) {
        continue;
      }
      ParametersReference ref = gc.getSpec().getParametersRef();
      ProxyConfigs.Resolved resolved =
          ref == null
              ? new ProxyConfigs.Resolved(null, null)
              : ProxyConfigs.resolve(
                  ref.getGroup(),
                  ref.getKind(),
                  ref.getNamespace(),
                  ref.getName(),
                  "spec.parametersRef",
                  index);
      GatewayClassStatus status = new GatewayClassStatus();
      Long generation = gc.getMetadata().getGeneration();
      if (resolved.problem() == null) {
        ours.put(gc.getMetadata().getName(), resolved.config());
        status.setConditions(
            List.of(
                Conditions.create(
                    GatewayClassConditionType.ACCEPTED,
                    true,
                    GatewayClassConditionReason.ACCEPTED,
                    "Archway (" + ArchwayApi.CONTROLLER_NAME + ") serves this class",
                    generation)));
      } else {
        status.setConditions(
            List.of(
                Conditions.create(
                    GatewayClassConditionType.ACCEPTED,
                    false,
                    GatewayClassConditionReason.INVALID_PARAMETERS,
                    resolved.problem(),
                    generation)));
      }
      status.setSupportedFeatures(
          supported.stream()
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
