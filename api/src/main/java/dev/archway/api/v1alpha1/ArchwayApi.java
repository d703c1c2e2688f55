package dev.archway.api.v1alpha1;

/** Names shared by Archway's own kinds. */
public final class ArchwayApi {
  /** The API group of Archway's kinds. */
  public static final String GROUP = "archway.dev";

  /** The one version served so far. */
  public static final String VERSION = "v1alpha1";

  /** {@code archway.dev/v1alpha1}. */
  public static final String API_VERSION = GROUP + "/" + VERSION;

  /** The controllerName a GatewayClass names for Archway to serve its Gateways. */
  public static final String CONTROLLER_NAME = "archway.dev/gateway-controller";

  private ArchwayApi() {}
}
