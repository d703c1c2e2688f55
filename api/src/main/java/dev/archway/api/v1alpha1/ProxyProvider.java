package dev.archway.api.v1alpha1;

/** The provider of a {@link ProxyConfig}: only Kubernetes so far. */
public class ProxyProvider {
  private KubernetesProxySpec kubernetes;

  public KubernetesProxySpec getKubernetes() {
    return kubernetes;
  }

  public void setKubernetes(KubernetesProxySpec kubernetes) {
    this.kubernetes = kubernetes;
  }
}
