package dev.archway.app;

/** Manifests the standalone end-to-end tests serve. */
final class StandaloneManifests {
  /** Archway's GatewayClass, {@code archway}. */
  private static final String GATEWAY_CLASS =
      """
      apiVersion: gateway.networking.k8s.io/v1
      kind: GatewayClass
      metadata: {name: archway}
      spec: {controllerName: archway.dev/gateway-controller}
      ---
      """;

  private StandaloneManifests() {}

  /**
   * A Gateway with one HTTP listener on {@code port} and one HTTPRoute that sends every request to
   * the Backend {@code web} on 127.0.0.1:{@code backendPort}.
   */
  static String oneRoute(int port, int backendPort) {
    return GATEWAY_CLASS
        + """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: gw}
        spec:
          gatewayClassName: archway
          listeners: [{name: http, protocol: HTTP, port: %d}]
        ---
        apiVersion: archway.dev/v1alpha1
        kind: Backend
        metadata: {name: web}
        spec: {endpoints: [{ip: {address: 127.0.0.1, port: %d}}]}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: web}
        spec:
          parentRefs: [{name: gw}]
          rules: [{backendRefs: [{group: archway.dev, kind: Backend, name: web}]}]
        """
            .formatted(port, backendPort);
  }

  /** The GatewayClass and a {@code kubernetes.io/tls} Secret {@code secret} holding the PEMs. */
  static String classAndTlsSecret(String secret, byte[] certPem, byte[] keyPem) {
    return GATEWAY_CLASS
        + """
        apiVersion: v1
        kind: Secret
        metadata: {name: %s}
        type: kubernetes.io/tls
        data:
          tls.crt: %s
          tls.key: %s
        ---
        """
            .formatted(
                secret,
                java.util.Base64.getEncoder().encodeToString(certPem),
                java.util.Base64.getEncoder().encodeToString(keyPem));
  }
}
