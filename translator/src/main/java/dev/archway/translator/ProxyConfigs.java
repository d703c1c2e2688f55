package dev.archway.translator;

import dev.archway.api.v1alpha1.ArchwayApi;
import dev.archway.api.v1alpha1.KubernetesProxySpec;
import dev.archway.api.v1alpha1.ProxyConfig;
import dev.archway.api.v1alpha1.ProxyConfigSpec;
import dev.archway.ir.Infrastructure;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Resolves and validates references to Archway's ProxyConfig (GatewayClass {@code
 * spec.parametersRef}, Gateway {@code spec.infrastructure.parametersRef}).
 */
final class ProxyConfigs {
  private static final Set<String> SERVICE_TYPES = Set.of("LoadBalancer", "NodePort", "ClusterIP");
  private static final Set<String> LOG_LEVELS = Set.of("debug", "info", "warn", "error");

  private ProxyConfigs() {}

  /** A resolved reference: the ProxyConfig, or why it does not resolve. */
  record Resolved(ProxyConfig config, String problem) {}

  /**
   * Resolves a reference.
   *
   * @param at the field, such as {@code spec.parametersRef}
   */
  static Resolved resolve(
      String group, String kind, String namespace, String name, String at, ResourceIndex index) {
    if (!ArchwayApi.GROUP.equals(group) || !ProxyConfig.KIND.equals(kind)) {
      return new Resolved(
          null,
          at
              + ": \""
              + (group == null || group.isEmpty() ? "" : group + "/")
              + kind
              + "\" is not supported (expected: "
              + ArchwayApi.GROUP
              + "/"
              + ProxyConfig.KIND
              + ")");
    }
    if (namespace == null || namespace.isEmpty()) {
      return new Resolved(
          null, at + ".namespace: missing (expected: the namespace of the ProxyConfig)");
    }
    ProxyConfig config = index.proxyConfig(namespace, name).orElse(null);
    if (config == null) {
      return new Resolved(null, at + ": ProxyConfig " + namespace + "/" + name + " not found");
    }
    List<String> problems = validate(config);
    if (!problems.isEmpty()) {
      return new Resolved(
          null,
          at + ": ProxyConfig " + namespace + "/" + name + ": " + String.join("; ", problems));
    }
    return new Resolved(config, null);
  }

  /** What is wrong with a ProxyConfig's fields, empty when nothing is. */
  static List<String> validate(ProxyConfig config) {
    List<String> problems = new ArrayList<>();
    ProxyConfigSpec spec = config.getSpec();
    if (spec == null) {
      return problems;
    }
    KubernetesProxySpec k8s =
        spec.getProvider() == null ? null : spec.getProvider().getKubernetes();
    if (k8s != null && k8s.getDeployment() != null) {
      Integer replicas = k8s.getDeployment().getReplicas();
      if (replicas != null && replicas < 0) {
        problems.add(
            "spec.provider.kubernetes.deployment.replicas: " + replicas + " (expected: 0 or more)");
      }
    }
    if (k8s != null && k8s.getService() != null && k8s.getService().getType() != null) {
      String type = k8s.getService().getType();
      if (!SERVICE_TYPES.contains(type)) {
        problems.add(
            "spec.provider.kubernetes.service.type: \""
                + type
                + "\" (expected: LoadBalancer, NodePort or ClusterIP)");
      }
    }
    if (spec.getLogging() != null && spec.getLogging().getLevel() != null) {
      String level = spec.getLogging().getLevel();
      if (!LOG_LEVELS.contains(level)) {
        problems.add(
            "spec.logging.level: \"" + level + "\" (expected: debug, info, warn or error)");
      }
    }
    if (spec.getConcurrency() != null && spec.getConcurrency() < 1) {
      problems.add("spec.concurrency: " + spec.getConcurrency() + " (expected: at least 1)");
    }
    return problems;
  }

  /** The infrastructure IR for a Gateway, from its labels and annotations and a ProxyConfig. */
  static Infrastructure infrastructure(
      Map<String, String> labels, Map<String, String> annotations, ProxyConfig config) {
    ProxyConfigSpec spec = config == null ? null : config.getSpec();
    KubernetesProxySpec k8s =
        spec == null || spec.getProvider() == null ? null : spec.getProvider().getKubernetes();
    KubernetesProxySpec.Deployment deployment = k8s == null ? null : k8s.getDeployment();
    KubernetesProxySpec.ServiceSpec service = k8s == null ? null : k8s.getService();
    ResourceRequirements resources = deployment == null ? null : deployment.getResources();
    return new Infrastructure(
        labels,
        annotations,
        config == null
            ? null
            : config.getMetadata().getNamespace() + "/" + config.getMetadata().getName(),
        deployment == null ? null : deployment.getReplicas(),
        service == null ? null : service.getType(),
        service == null ? null : service.getAnnotations(),
        quantity(resources == null ? null : resources.getRequests(), "cpu"),
        quantity(resources == null ? null : resources.getRequests(), "memory"),
        quantity(resources == null ? null : resources.getLimits(), "cpu"),
        quantity(resources == null ? null : resources.getLimits(), "memory"),
        spec == null || spec.getLogging() == null ? null : spec.getLogging().getLevel(),
        spec == null ? null : spec.getConcurrency(),
        spec == null ? null : spec.getBusyPoll());
  }

  private static String quantity(Map<String, Quantity> values, String key) {
    if (values == null || values.get(key) == null) {
      return null;
    }
    Quantity q = values.get(key);
    return q.getAmount() + Objects.requireNonNullElse(q.getFormat(), "");
  }
}
