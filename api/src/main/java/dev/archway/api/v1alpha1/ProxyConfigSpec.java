package dev.archway.api.v1alpha1;

/**
 * The settings of a {@link ProxyConfig}. Every field is optional.
 *
 * <pre>
 * spec:
 *   provider:
 *     kubernetes:
 *       deployment: {replicas: 2, resources: {requests: {cpu: 100m}}}
 *       service: {type: LoadBalancer, annotations: {a: b}}
 *   logging: {level: info}
 *   concurrency: 4
 * </pre>
 */
public class ProxyConfigSpec {
  private ProxyProvider provider;
  private ProxyLogging logging;
  private Integer concurrency;

  /** Where and how the proxy runs (EnvoyProxy {@code spec.provider}). */
  public ProxyProvider getProvider() {
    return provider;
  }

  public void setProvider(ProxyProvider provider) {
    this.provider = provider;
  }

  /** Proxy logging (EnvoyProxy {@code spec.logging}). */
  public ProxyLogging getLogging() {
    return logging;
  }

  public void setLogging(ProxyLogging logging) {
    this.logging = logging;
  }

  /** Worker threads (event loops) of the proxy, at least 1 (EnvoyProxy {@code concurrency}). */
  public Integer getConcurrency() {
    return concurrency;
  }

  public void setConcurrency(Integer concurrency) {
    this.concurrency = concurrency;
  }
}
