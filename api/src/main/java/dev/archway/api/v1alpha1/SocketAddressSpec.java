package dev.archway.api.v1alpha1;

/**
 * A host and port. {@code address} is used under {@code ip}, {@code hostname} under {@code fqdn},
 * matching Envoy Gateway's Backend field names.
 */
public class SocketAddressSpec {
  private String address;
  private String hostname;
  private Integer port;

  public String getAddress() {
    return address;
  }

  public void setAddress(String address) {
    this.address = address;
  }

  public String getHostname() {
    return hostname;
  }

  public void setHostname(String hostname) {
    this.hostname = hostname;
  }

  public Integer getPort() {
    return port;
  }

  public void setPort(Integer port) {
    this.port = port;
  }
}
