package dev.archway.translator;

import static dev.archway.translator.ResourceIndex.nonNull;

import dev.archway.api.status.GatewayConditionReason;
import dev.archway.api.v1alpha1.ProxyConfig;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayInfrastructure;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewaySpec;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewaySpecAddress;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.LocalParametersReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.SecretObjectReference;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The Gateway-wide settings beside its listeners (apis/v1/gateway_types.go GatewaySpec): {@code
 * addresses}, {@code infrastructure} (labels, annotations, parametersRef to a ProxyConfig) and
 * {@code tls.backend.clientCertificateRef}.
 */
final class GatewaySettings {
  static final String GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name";
  static final String GATEWAY_CLASS_LABEL = "gateway.networking.k8s.io/gateway-class-name";
  private static final Pattern IPV4 =
      Pattern.compile(
          "^((25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])$");
  private static final Pattern IPV6 = Pattern.compile("^[0-9a-fA-F:.]+$");
  // A label or annotation key: an optional DNS prefix and a name (apis/v1 LabelKey).
  private static final Pattern KEY =
      Pattern.compile(
          "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
              + "[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$");

  private GatewaySettings() {}

  /** Checks addresses and infrastructure and resolves the backend client certificate. */
  static void process(
      GatewayContext gw, ProxyConfig classConfig, ResourceIndex index, Instant now) {
    GatewaySpec spec = gw.gateway.getSpec();
    addresses(gw, spec);
    infrastructure(gw, spec, classConfig, index);
    backendClientCertificate(gw, spec, index, now);
  }

  /**
   * spec.addresses: IPAddress is supported, and an entry of type IPAddress or Hostname without a
   * value (GatewayAddressEmpty: whatever address the runtime gives). A Hostname with a value, or
   * any other type, makes the Gateway not Accepted with UnsupportedAddress ("an address that was
   * provided is a type which is not supported by the implementation", GatewayConditionReason):
   * neither runtime can give a Gateway a DNS name of the user's choosing. Whether a requested IP
   * address can be used is the runtime's to say (Programmed: AddressNotUsable).
   */
  private static void addresses(GatewayContext gw, GatewaySpec spec) {
    var addresses = nonNull(spec.getAddresses());
    if (addresses.size() > 16) {
      // CRD maxItems: an API server would refuse the Gateway.
      reject(
          gw,
          GatewayConditionReason.INVALID,
          "spec.addresses: " + addresses.size() + " entries (expected: at most 16)");
      return;
    }
    // CEL: IPAddress values unique, Hostname values unique.
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < addresses.size() && gw.notAcceptedReason == null; i++) {
      GatewaySpecAddress a = addresses.get(i);
      String type = Objects.requireNonNullElse(a.getType(), "IPAddress");
      String value = Objects.requireNonNullElse(a.getValue(), "");
      if (!value.isEmpty() && (type.equals("IPAddress") || type.equals("Hostname"))) {
        Integer first = seen.putIfAbsent(type + "/" + value, i);
        if (first != null) {
          reject(
              gw,
              GatewayConditionReason.INVALID,
              "spec.addresses["
                  + i
                  + "].value: \""
                  + value
                  + "\" is also spec.addresses["
                  + first
                  + "] (expected: each "
                  + type
                  + " value once)");
        }
      }
    }
    for (int i = 0; i < addresses.size() && gw.notAcceptedReason == null; i++) {
      GatewaySpecAddress a = addresses.get(i);
      String at = "spec.addresses[" + i + "]";
      String type = Objects.requireNonNullElse(a.getType(), "IPAddress");
      String value = Objects.requireNonNullElse(a.getValue(), "");
      switch (type) {
        case "IPAddress" -> {
          if (!value.isEmpty()
              && !IPV4.matcher(value).matches()
              && !(value.contains(":") && IPV6.matcher(value).matches())) {
            reject(
                gw,
                GatewayConditionReason.UNSUPPORTED_ADDRESS,
                at + ".value: \"" + value + "\" (expected: an IPv4 or IPv6 address)");
          }
        }
        case "Hostname" -> {
          if (!value.isEmpty()) {
            reject(
                gw,
                GatewayConditionReason.UNSUPPORTED_ADDRESS,
                at
                    + ": Hostname \""
                    + value
                    + "\" is not supported (expected: type IPAddress, or a Hostname without a"
                    + " value; Archway cannot give a Gateway a DNS name)");
          }
        }
        default ->
            reject(
                gw,
                GatewayConditionReason.UNSUPPORTED_ADDRESS,
                at + ".type: \"" + type + "\" is not supported (expected: IPAddress)");
      }
    }
  }

  private static void infrastructure(
      GatewayContext gw, GatewaySpec spec, ProxyConfig classConfig, ResourceIndex index) {
    GatewayInfrastructure infra = spec.getInfrastructure();
    Map<String, String> labels = new TreeMap<>();
    Map<String, String> annotations = new TreeMap<>();
    ProxyConfig config = classConfig;
    if (infra != null) {
      checkMap(gw, infra.getLabels(), "spec.infrastructure.labels", 63);
      checkMap(gw, infra.getAnnotations(), "spec.infrastructure.annotations", 4096);
      labels.putAll(Objects.requireNonNullElse(infra.getLabels(), Map.of()));
      annotations.putAll(Objects.requireNonNullElse(infra.getAnnotations(), Map.of()));
      LocalParametersReference ref = infra.getParametersRef();
      if (ref != null) {
        ProxyConfigs.Resolved resolved =
            ProxyConfigs.resolve(
                ref.getGroup(),
                ref.getKind(),
                gw.namespace(),
                ref.getName(),
                "spec.infrastructure.parametersRef",
                index);
        if (resolved.problem() != null) {
          reject(gw, GatewayConditionReason.INVALID_PARAMETERS, resolved.problem());
        } else {
          config = resolved.config();
        }
      }
    }
    labels.put(GATEWAY_NAME_LABEL, gw.name());
    labels.put(GATEWAY_CLASS_LABEL, spec.getGatewayClassName());
    gw.infrastructure = ProxyConfigs.infrastructure(labels, annotations, config);
  }

  private static void checkMap(
      GatewayContext gw, Map<String, String> map, String field, int maxValue) {
    if (map == null) {
      return;
    }
    if (map.size() > 16) {
      reject(
          gw,
          GatewayConditionReason.INVALID,
          field + ": " + map.size() + " entries (expected: at most 16)");
      return;
    }
    for (Map.Entry<String, String> e : new TreeMap<>(map).entrySet()) {
      if (!KEY.matcher(e.getKey()).matches()) {
        reject(
            gw,
            GatewayConditionReason.INVALID,
            field + ": key \"" + e.getKey() + "\" (expected: [prefix/]name of a Kubernetes label)");
      } else if (e.getValue() != null && e.getValue().length() > maxValue) {
        reject(
            gw,
            GatewayConditionReason.INVALID,
            field
                + "["
                + e.getKey()
                + "]: "
                + e.getValue().length()
                + " characters (expected: at most "
                + maxValue
                + ")");
      }
    }
  }

  /**
   * spec.tls.backend.clientCertificateRef: a kubernetes.io/tls Secret presented to TLS backends.
   * Problems make the Gateway's ResolvedRefs False (InvalidClientCertificateRef, RefNotPermitted)
   * without affecting Accepted.
   */
  private static void backendClientCertificate(
      GatewayContext gw, GatewaySpec spec, ResourceIndex index, Instant now) {
    if (spec.getTls() == null || spec.getTls().getBackend() == null) {
      return;
    }
    SecretObjectReference ref = spec.getTls().getBackend().getClientCertificateRef();
    if (ref == null) {
      return;
    }
    String at = "spec.tls.backend.clientCertificateRef";
    String group = Objects.requireNonNullElse(ref.getGroup(), "");
    String kind = Objects.requireNonNullElse(ref.getKind(), ListenerTls.SECRET);
    String namespace = Objects.requireNonNullElse(ref.getNamespace(), gw.namespace());
    String target = "Secret " + namespace + "/" + ref.getName();
    if (!group.isEmpty() || !kind.equals(ListenerTls.SECRET)) {
      clientCertProblem(
          gw,
          GatewayConditionReason.INVALID_CLIENT_CERTIFICATE_REF,
          at
              + ": \""
              + (group.isEmpty() ? "" : group + "/")
              + kind
              + "\" is not supported (expected: a core Secret of type kubernetes.io/tls)");
      return;
    }
    if (!namespace.equals(gw.namespace())
        && !index.referenceAllowed(
            "Gateway", gw.namespace(), "", ListenerTls.SECRET, namespace, ref.getName())) {
      clientCertProblem(
          gw,
          GatewayConditionReason.REF_NOT_PERMITTED,
          at
              + ": "
              + target
              + " is in another namespace (expected: a ReferenceGrant in namespace "
              + namespace
              + " that lets Gateways in "
              + gw.namespace()
              + " refer to it)");
      return;
    }
    Secret secret = index.secret(namespace, ref.getName()).orElse(null);
    if (secret == null) {
      clientCertProblem(
          gw,
          GatewayConditionReason.INVALID_CLIENT_CERTIFICATE_REF,
          at + ": " + target + " not found");
      return;
    }
    try {
      gw.backendClientCertificate = ListenerTls.certificate(secret, index, now);
    } catch (Certificates.InvalidPem e) {
      clientCertProblem(
          gw,
          GatewayConditionReason.INVALID_CLIENT_CERTIFICATE_REF,
          at + ": " + target + ": " + e.getMessage());
    }
  }

  private static void reject(GatewayContext gw, GatewayConditionReason reason, String message) {
    if (gw.notAcceptedReason == null) {
      gw.notAcceptedReason = reason;
      gw.notAcceptedMessage = message;
    } else {
      gw.notAcceptedMessage += "; " + message;
    }
  }

  private static void clientCertProblem(
      GatewayContext gw, GatewayConditionReason reason, String message) {
    gw.clientCertificateReason = reason;
    gw.clientCertificateProblem = message;
  }
}
