package dev.archway.api.v1alpha1;

import java.util.ArrayList;
import java.util.List;

/** The endpoints of a {@link Backend}, and the protocol they speak. */
public class BackendSpec {
  private List<BackendEndpoint> endpoints = new ArrayList<>();
  private List<String> appProtocols = new ArrayList<>();

  /** The endpoints, each an IP address or a hostname with a port. */
  public List<BackendEndpoint> getEndpoints() {
    return endpoints;
  }

  public void setEndpoints(List<BackendEndpoint> endpoints) {
    this.endpoints = endpoints == null ? new ArrayList<>() : endpoints;
  }

  /**
   * Application protocols of the endpoints, as in a Service port's appProtocol: {@code
   * kubernetes.io/h2c} or {@code kubernetes.io/ws}; empty for HTTP/1.1.
   */
  public List<String> getAppProtocols() {
    return appProtocols;
  }

  public void setAppProtocols(List<String> appProtocols) {
    this.appProtocols = appProtocols == null ? new ArrayList<>() : appProtocols;
  }
}
