package dev.archway.infra;

import dev.archway.ir.GatewayIr;
import dev.archway.ir.HttpListener;
import dev.archway.ir.Infrastructure;
import dev.archway.ir.TcpListener;
import dev.archway.ir.TlsListener;
import dev.archway.ir.UdpListener;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The pure half of provisioning: a Gateway's IR in, the Deployment, Service and ServiceAccount that
 * run it out. No I/O and no clock, so the output is a value that golden files pin down.
 *
 * <p>The objects live in the Gateway's namespace (owner references cannot cross namespaces, and
 * deleting the Gateway must remove them through the garbage collector). Every object carries the
 * Gateway's {@code spec.infrastructure} labels and annotations (GatewayInfrastructurePropagation:
 * the Pod template, the Service and the ServiceAccount), which include {@code
 * gateway.networking.k8s.io/gateway-name} and {@code gateway-class-name}; Archway's own labels win
 * over a user's of the same key, since the selector depends on them. The selector uses only
 * Archway's labels, so changing infrastructure labels never needs a new (immutable) selector.
 */
public final class ProxyModel {
  /** The label on the Gateway's proxy objects; the translator sets it in the infra IR too. */
  public static final String GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name";

  public static final String NAME_LABEL = "app.kubernetes.io/name";
  public static final String COMPONENT_LABEL = "app.kubernetes.io/component";
  public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY = "archway";

  /** Selects every object this model produces, in any namespace (used to prune). */
  public static final Map<String, String> MANAGED =
      Map.of(NAME_LABEL, "archway-proxy", COMPONENT_LABEL, "proxy", MANAGED_BY_LABEL, MANAGED_BY);

  /** Where the proxy's config sync certificate is mounted ({@code archway proxy --tls-dir}). */
  public static final String TLS_DIR = "/etc/archway/tls";

  /**
   * The proxy's health port ({@code archway proxy --health-address}): {@code /healthz} and {@code
   * /readyz} only, for the kubelet's probes. The admin API stays on loopback. A listener cannot use
   * this port.
   */
  public static final int HEALTH_PORT = 19003;

  /** The image's user and group (Dockerfile); the group may read the mounted key. */
  private static final long PROXY_GROUP = 65532L;

  private static final String CONTAINER = "proxy";
  private static final int MAX_NAME = 63;

  private ProxyModel() {}

  /**
   * The objects that run {@code gateway}, whose Service has no external IPs.
   *
   * @param gatewayUid the Gateway's {@code metadata.uid}, for the owner references
   */
  public static ProxyResources desired(
      GatewayIr gateway, String gatewayUid, ProxySettings settings) {
    return desired(gateway, gatewayUid, settings, List.of());
  }

  /**
   * The objects that run {@code gateway}.
   *
   * @param gatewayUid the Gateway's {@code metadata.uid}, for the owner references
   * @param externalIps the addresses of the Gateway's {@code spec.addresses} it may have
   *     (GatewayStaticAddresses; the controller checked them against the range the operator
   *     allows), in that order, for the Service's {@code spec.externalIPs}
   */
  public static ProxyResources desired(
      GatewayIr gateway, String gatewayUid, ProxySettings settings, List<String> externalIps) {
    Objects.requireNonNull(gatewayUid, "gatewayUid");
    Objects.requireNonNull(externalIps, "externalIps");
    String[] parts = gateway.name().split("/", 3);
    if (parts.length != 3 || !parts[0].equals("gateway")) {
      throw new IllegalArgumentException(
          "gateway.name: " + gateway.name() + " (expected gateway/<namespace>/<name>)");
    }
    String namespace = parts[1];
    String gatewayName = parts[2];
    Infrastructure infra =
        Objects.requireNonNullElse(
            gateway.infrastructure(),
            new Infrastructure(
                Map.of(), Map.of(), null, null, null, Map.of(), null, null, null, null, null, null,
                null));
    String name = resourceName(gatewayName);
    Map<String, String> selector = new TreeMap<>(MANAGED);
    selector.put(GATEWAY_NAME_LABEL, gatewayName);
    Map<String, String> labels = new TreeMap<>(infra.labels());
    labels.putAll(selector);
    OwnerReference owner =
        new OwnerReferenceBuilder()
            .withApiVersion("gateway.networking.k8s.io/v1")
            .withKind("Gateway")
            .withName(gatewayName)
            .withUid(gatewayUid)
            .withController(true)
            .build();

    ServiceAccount account =
        new ServiceAccountBuilder()
            .withMetadata(meta(namespace, name, labels, infra.annotations(), owner))
            .build();

    Map<String, String> serviceAnnotations = new TreeMap<>(infra.annotations());
    serviceAnnotations.putAll(infra.serviceAnnotations());
    Service service =
        new ServiceBuilder()
            .withMetadata(meta(namespace, name, labels, serviceAnnotations, owner))
            .withNewSpec()
            .withType(Objects.requireNonNullElse(infra.serviceType(), "LoadBalancer"))
            // Requested addresses are external IPs, not spec.loadBalancerIP: that field is
            // deprecated (Kubernetes 1.24) and only a cloud's load-balancer controller reads it,
            // so where there is none nothing would route the address. kube-proxy itself routes
            // external IPs, on every node and for every Service type (iptables, IPVS and nftables
            // modes alike): traffic to the address that reaches a node goes to a ready proxy Pod.
            // Server-side apply removes the field again when the Gateway stops asking.
            .withExternalIPs(externalIps.isEmpty() ? null : List.copyOf(externalIps))
            .withSelector(selector)
            .withPorts(servicePorts(gateway))
            .endSpec()
            .build();

    Deployment deployment =
        new DeploymentBuilder()
            .withMetadata(meta(namespace, name, labels, infra.annotations(), owner))
            .withNewSpec()
            .withReplicas(Objects.requireNonNullElse(infra.replicas(), 1))
            .withNewSelector()
            .withMatchLabels(selector)
            .endSelector()
            .withNewTemplate()
            .withNewMetadata()
            .withLabels(labels)
            .withAnnotations(infra.annotations().isEmpty() ? null : infra.annotations())
            .endMetadata()
            .withNewSpec()
            .withServiceAccountName(name)
            // The data plane holds no Kubernetes credentials: its configuration and certificate
            // come from the controller (config sync, the Secret below).
            .withAutomountServiceAccountToken(false)
            // The proxy binds the listeners' own ports, some below 1024, without root or
            // capabilities (a safe sysctl since Kubernetes 1.22).
            .withNewSecurityContext()
            .withRunAsNonRoot(true)
            .withFsGroup(PROXY_GROUP)
            .addNewSysctl("net.ipv4.ip_unprivileged_port_start", "0")
            .withNewSeccompProfile()
            .withType("RuntimeDefault")
            .endSeccompProfile()
            .endSecurityContext()
            // A read-only root file system: the JVM and Netty's native libraries need /tmp.
            .addNewVolume()
            .withName("tmp")
            .withNewEmptyDir()
            .endEmptyDir()
            .endVolume()
            // The client certificate for config sync, written by the controller (group-readable
            // only: the files belong to root and fsGroup).
            .addNewVolume()
            .withName("tls")
            .withNewSecret()
            .withSecretName(tlsSecretName(gatewayName))
            .withDefaultMode(0440)
            .endSecret()
            .endVolume()
            .withContainers(
                new ContainerBuilder()
                    .withName(CONTAINER)
                    .withImage(settings.image())
                    .withImagePullPolicy(settings.imagePullPolicy())
                    .withArgs(args(namespace, gatewayName, infra, settings))
                    .withEnv(
                        new EnvVarBuilder()
                            .withName("POD_NAME")
                            .withNewValueFrom()
                            .withNewFieldRef()
                            .withFieldPath("metadata.name")
                            .endFieldRef()
                            .endValueFrom()
                            .build(),
                        new EnvVarBuilder()
                            .withName("POD_NAMESPACE")
                            .withNewValueFrom()
                            .withNewFieldRef()
                            .withFieldPath("metadata.namespace")
                            .endFieldRef()
                            .endValueFrom()
                            .build())
                    .addAllToEnv(logLevel(infra))
                    .withPorts(containerPorts(gateway))
                    .withResources(resources(infra))
                    .withStartupProbe(probe("/healthz", 2, 30))
                    .withLivenessProbe(probe("/healthz", 10, 3))
                    .withReadinessProbe(probe("/readyz", 5, 2))
                    .addNewVolumeMount()
                    .withName("tmp")
                    .withMountPath("/tmp")
                    .endVolumeMount()
                    .addNewVolumeMount()
                    .withName("tls")
                    .withMountPath(TLS_DIR)
                    .withReadOnly(true)
                    .endVolumeMount()
                    .withNewSecurityContext()
                    .withAllowPrivilegeEscalation(false)
                    .withReadOnlyRootFilesystem(true)
                    .withNewCapabilities()
                    .withDrop("ALL")
                    .endCapabilities()
                    .endSecurityContext()
                    .build())
            .endSpec()
            .endTemplate()
            .endSpec()
            .build();
    return new ProxyResources(namespace + "/" + gatewayName, account, service, deployment);
  }

  /**
   * The addresses a proxy Service makes its Gateway reachable on, for a Gateway given {@code
   * externalIps} (see {@link #desired(GatewayIr, String, ProxySettings, List)}): those of them the
   * Service carries already (while it is being updated, an address it does not carry yet is not
   * reported, nor one it still carries but the Gateway no longer asks for); without any, {@link
   * #addresses(Service)}.
   */
  public static List<String> addresses(Service service, List<String> externalIps) {
    if (externalIps.isEmpty()) {
      return addresses(service);
    }
    List<String> carried =
        service.getSpec() == null || service.getSpec().getExternalIPs() == null
            ? List.of()
            : service.getSpec().getExternalIPs();
    return externalIps.stream().filter(carried::contains).toList();
  }

  /**
   * The addresses a proxy Service makes its Gateway reachable on: its load balancer's ingress IPs
   * and hostnames once it has them, else its cluster IPs (none for a headless Service).
   */
  public static List<String> addresses(Service service) {
    List<String> out = new ArrayList<>();
    if (service.getStatus() != null && service.getStatus().getLoadBalancer() != null) {
      for (LoadBalancerIngress ingress : service.getStatus().getLoadBalancer().getIngress()) {
        if (ingress.getIp() != null && !ingress.getIp().isBlank()) {
          out.add(ingress.getIp());
        } else if (ingress.getHostname() != null && !ingress.getHostname().isBlank()) {
          out.add(ingress.getHostname());
        }
      }
    }
    if (out.isEmpty() && service.getSpec() != null) {
      List<String> ips = service.getSpec().getClusterIPs();
      if (ips == null || ips.isEmpty()) {
        ips =
            service.getSpec().getClusterIP() == null
                ? List.of()
                : List.of(service.getSpec().getClusterIP());
      }
      ips.stream().filter(ip -> !ip.isBlank() && !ip.equals("None")).forEach(out::add);
    }
    return List.copyOf(out);
  }

  /**
   * {@code archway-<gateway>} when that is a valid Service name (a DNS label of at most 63
   * characters), else a shortened, dot-free form with a hash of the Gateway's name so that two
   * Gateways never share one.
   */
  public static String resourceName(String gatewayName) {
    String plain = "archway-" + gatewayName;
    if (plain.length() <= MAX_NAME && !gatewayName.contains(".")) {
      return plain;
    }
    String hash = sha256(gatewayName).substring(0, 8);
    String base = plain.replace('.', '-');
    base = base.substring(0, Math.min(base.length(), MAX_NAME - hash.length() - 1));
    while (base.endsWith("-")) {
      base = base.substring(0, base.length() - 1);
    }
    return base + "-" + hash;
  }

  /**
   * The Secret with the proxy's config sync certificate ({@code tls.crt}, {@code tls.key}, {@code
   * ca.crt}), which the controller writes in the Gateway's namespace: {@code
   * archway-<gateway>-proxy-tls}.
   */
  public static String tlsSecretName(String gatewayName) {
    return resourceName(gatewayName) + "-proxy-tls";
  }

  /** An HTTP probe of the health port (never the admin API, which listens on loopback only). */
  private static Probe probe(String path, int periodSeconds, int failureThreshold) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(path)
        .withPort(new IntOrString(HEALTH_PORT))
        .endHttpGet()
        .withPeriodSeconds(periodSeconds)
        .withTimeoutSeconds(2)
        .withFailureThreshold(failureThreshold)
        .build();
  }

  private static ObjectMeta meta(
      String namespace,
      String name,
      Map<String, String> labels,
      Map<String, String> annotations,
      OwnerReference owner) {
    return new ObjectMetaBuilder()
        .withNamespace(namespace)
        .withName(name)
        .withLabels(labels)
        .withAnnotations(annotations.isEmpty() ? null : new TreeMap<>(annotations))
        .withOwnerReferences(owner)
        .build();
  }

  /** {@code archway proxy} for this Gateway; the contract with ProxyCommand. */
  private static List<String> args(
      String namespace, String gatewayName, Infrastructure infra, ProxySettings settings) {
    List<String> args = new ArrayList<>();
    args.add("proxy");
    args.add("--controller=" + settings.controllerAddress());
    args.add("--gateway=" + namespace + "/" + gatewayName);
    args.add("--tls-dir=" + TLS_DIR);
    args.add("--health-address=0.0.0.0:" + HEALTH_PORT);
    if (infra.workerThreads() != null) {
      args.add("--workers=" + infra.workerThreads());
    }
    if (Boolean.TRUE.equals(infra.busyPoll())) {
      args.add("--busy-poll");
    }
    args.addAll(settings.extraArgs());
    return args;
  }

  /** ProxyConfig {@code logging.level}, read by the proxy's logging configuration. */
  private static List<io.fabric8.kubernetes.api.model.EnvVar> logLevel(Infrastructure infra) {
    return infra.logLevel() == null
        ? List.of()
        : List.of(
            new EnvVarBuilder()
                .withName("ARCHWAY_LOG_LEVEL")
                .withValue(infra.logLevel().toLowerCase(Locale.ROOT))
                .build());
  }

  /** The TCP ports (HTTP, HTTPS, TLS, TCP listeners) and the UDP ports, each once, sorted. */
  private static TreeSet<Integer> tcpPorts(GatewayIr gateway) {
    TreeSet<Integer> ports = new TreeSet<>();
    gateway.httpListeners().stream().map(HttpListener::port).forEach(ports::add);
    gateway.tlsListeners().stream().map(TlsListener::port).forEach(ports::add);
    gateway.tcpListeners().stream().map(TcpListener::port).forEach(ports::add);
    return ports;
  }

  private static TreeSet<Integer> udpPorts(GatewayIr gateway) {
    TreeSet<Integer> ports = new TreeSet<>();
    gateway.udpListeners().stream().map(UdpListener::port).forEach(ports::add);
    return ports;
  }

  private static List<ServicePort> servicePorts(GatewayIr gateway) {
    List<ServicePort> ports = new ArrayList<>();
    for (int port : tcpPorts(gateway)) {
      ports.add(servicePort("tcp", port));
    }
    for (int port : udpPorts(gateway)) {
      ports.add(servicePort("udp", port));
    }
    return ports;
  }

  private static ServicePort servicePort(String protocol, int port) {
    return new ServicePortBuilder()
        .withName(protocol + "-" + port)
        .withProtocol(protocol.toUpperCase(Locale.ROOT))
        .withPort(port)
        .withTargetPort(new IntOrString(port))
        .build();
  }

  private static List<ContainerPort> containerPorts(GatewayIr gateway) {
    List<ContainerPort> ports = new ArrayList<>();
    for (int port : tcpPorts(gateway)) {
      ports.add(containerPort("tcp", port));
    }
    for (int port : udpPorts(gateway)) {
      ports.add(containerPort("udp", port));
    }
    return ports;
  }

  private static ContainerPort containerPort(String protocol, int port) {
    return new ContainerPortBuilder()
        .withName(protocol + "-" + port)
        .withProtocol(protocol.toUpperCase(Locale.ROOT))
        .withContainerPort(port)
        .build();
  }

  private static ResourceRequirements resources(Infrastructure infra) {
    Map<String, Quantity> requests = new LinkedHashMap<>();
    Map<String, Quantity> limits = new LinkedHashMap<>();
    put(requests, "cpu", infra.cpuRequest());
    put(requests, "memory", infra.memoryRequest());
    put(limits, "cpu", infra.cpuLimit());
    put(limits, "memory", infra.memoryLimit());
    if (requests.isEmpty() && limits.isEmpty()) {
      return null;
    }
    ResourceRequirements resources = new ResourceRequirements();
    resources.setRequests(requests.isEmpty() ? null : requests);
    resources.setLimits(limits.isEmpty() ? null : limits);
    return resources;
  }

  private static void put(Map<String, Quantity> map, String key, String quantity) {
    if (quantity != null && !quantity.isBlank()) {
      map.put(key, new Quantity(quantity));
    }
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
