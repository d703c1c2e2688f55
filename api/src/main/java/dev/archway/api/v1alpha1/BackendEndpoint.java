package dev.archway.api.v1alpha1;

/** One endpoint of a {@link Backend}: exactly one of {@code ip} or {@code fqdn} is set. */
public class BackendEndpoint {
  private SocketAddressSpec ip;
  private SocketAddressSpec fqdn;

  /** An IP address ({@code address}) and port. */
  public SocketAddressSpec getIp() {
    return ip;
  }

  public void setIp(SocketAddressSpec ip) {
    this.ip = ip;
  }

  /** A DNS name ({@code hostname}) and port. */
  public SocketAddressSpec getFqdn() {
    return fqdn;
  }

  public void setFqdn(SocketAddressSpec fqdn) {
    this.fqdn = fqdn;
  }
}
