package dev.archway.infra;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Objects;

/**
 * The desired objects that run one Gateway, all named {@link #name()} in the Gateway's namespace
 * and owned by the Gateway.
 *
 * @param gateway {@code <namespace>/<name>} of the Gateway
 */
public record ProxyResources(
    String gateway, ServiceAccount serviceAccount, Service service, Deployment deployment) {
  public ProxyResources {
    Objects.requireNonNull(gateway, "gateway");
    Objects.requireNonNull(serviceAccount, "serviceAccount");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(deployment, "deployment");
  }

  public String namespace() {
    return service.getMetadata().getNamespace();
  }

  /** The name of the three objects. */
  public String name() {
    return service.getMetadata().getName();
  }

  /** In the order they are applied: what the Deployment refers to first. */
  public List<HasMetadata> all() {
    return List.of(serviceAccount, service, deployment);
  }
}
