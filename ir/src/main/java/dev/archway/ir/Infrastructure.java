package dev.archway.ir;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a Gateway asks of the resources that run it (Deployment, Service, ServiceAccount in
 * Kubernetes mode; ignored in standalone mode except for {@code logLevel} and {@code
 * workerThreads}). Labels and annotations come from {@code spec.infrastructure}
 * (GatewayInfrastructurePropagation); the rest from the Archway ProxyConfig of the Gateway's {@code
 * infrastructure.parametersRef}, else of its GatewayClass's {@code parametersRef}.
 *
 * @param labels to add to every generated resource, sorted; the translator adds {@code
 *     gateway.networking.k8s.io/gateway-name} and {@code
 *     gateway.networking.k8s.io/gateway-class-name}
 * @param annotations to add to every generated resource, sorted
 * @param proxyConfig {@code <namespace>/<name>} or {@code <name>} of the ProxyConfig in effect, or
 *     null
 * @param replicas proxy replicas, or null for the default (1)
 * @param serviceType LoadBalancer, NodePort or ClusterIP, or null for LoadBalancer
 * @param serviceAnnotations annotations for the generated Service only, sorted
 * @param cpuRequest resource quantity, or null
 * @param memoryRequest resource quantity, or null
 * @param cpuLimit resource quantity, or null
 * @param memoryLimit resource quantity, or null
 * @param logLevel debug, info, warn or error, or null for info
 * @param workerThreads event loop threads, or null for the number of cores
 * @param busyPoll whether the event loops poll without sleeping, or null for no
 */
public record Infrastructure(
    Map<String, String> labels,
    Map<String, String> annotations,
    String proxyConfig,
    Integer replicas,
    String serviceType,
    Map<String, String> serviceAnnotations,
    String cpuRequest,
    String memoryRequest,
    String cpuLimit,
    String memoryLimit,
    String logLevel,
    Integer workerThreads,
    Boolean busyPoll) {
  public Infrastructure {
    labels = sorted(labels);
    annotations = sorted(annotations);
    serviceAnnotations = sorted(serviceAnnotations);
  }

  private static Map<String, String> sorted(Map<String, String> map) {
    return java.util.Collections.unmodifiableMap(
        new TreeMap<>(Objects.requireNonNullElse(map, Map.of())));
  }
}
