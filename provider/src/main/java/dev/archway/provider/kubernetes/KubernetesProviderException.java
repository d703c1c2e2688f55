package dev.archway.provider.kubernetes;

/** The Kubernetes provider could not start: a kind is not served, or the informers did not sync. */
public final class KubernetesProviderException extends RuntimeException {
  KubernetesProviderException(String message) {
    super(message);
  }

  KubernetesProviderException(String message, Throwable cause) {
    super(message, cause);
  }
}
