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
 *   busyPoll: false
 * </pre>
 */
public class ProxyConfigSpec {
  private ProxyProvider provider;
  private ProxyLogging logging;
  private Integer concurrency;
  private Boolean busyPoll;

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

  /**
   * Whether the proxy's event loops poll without ever sleeping ({@code archway proxy --busy-poll}):
   * senders never have to wake them, at the price of a busy CPU per worker even without traffic.
   * For proxies with CPUs of their own. An Archway setting; EnvoyProxy has no counterpart.
   */
  public Boolean getBusyPoll() {
    return busyPoll;
  }

  public void setBusyPoll(Boolean busyPoll) {
    this.busyPoll = busyPoll;
  }
}
