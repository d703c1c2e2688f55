package dev.archway.translator;

import static dev.archway.translator.ResourceIndex.nonNull;

import dev.archway.api.status.ListenerConditionReason;
import dev.archway.ir.TlsCertificate;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerTLSConfig;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.SecretObjectReference;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Validates a listener's {@code tls} and resolves its certificateRefs to Secrets
 * (apis/v1/gateway_types.go ListenerTLSConfig): the CEL rules on tls, the reference's group and
 * kind, ReferenceGrants for Secrets in other namespaces, and the Secret's content (PEM parses, the
 * key matches the certificate, the certificate is not expired).
 */
final class ListenerTls {
  static final String SECRET = "Secret";
  static final String TLS_SECRET_TYPE = "kubernetes.io/tls";

  private ListenerTls() {}

  /**
   * Checks the tls field against the protocol; returns false when the listener is malformed (it is
   * then rejected and takes no routes).
   */
  static boolean validate(ListenerContext l) {
    ListenerTLSConfig tls = l.spec.getTls();
    String protocol = l.protocol();
    switch (protocol) {
      case Protocols.HTTP, Protocols.TCP, Protocols.UDP -> {
        if (tls != null) {
          l.reject(
              ListenerConditionReason.UNSUPPORTED_VALUE,
              l.field("tls") + ": set (expected: no tls for protocol " + protocol + ")");
          return false;
        }
        return true;
      }
      case Protocols.TLS -> {
        if (tls == null) {
          l.reject(
              ListenerConditionReason.UNSUPPORTED_VALUE,
              l.field("tls") + ": missing (expected: tls with a mode for protocol TLS)");
          return false;
        }
      }
      case Protocols.HTTPS -> {
        if (tls == null) {
          // v1.6 reverted the CEL rule that required tls on HTTPS: the listener is accepted but
          // cannot be served without a certificate.
          l.refProblem(
              ListenerConditionReason.INVALID_CERTIFICATE_REF,
              l.field("tls") + ": missing (expected: tls.certificateRefs for protocol HTTPS)");
          return true;
        }
      }
      default -> {
        return true;
      }
    }
    String mode = l.tlsMode();
    if (!mode.equals(Protocols.TERMINATE) && !mode.equals(Protocols.PASSTHROUGH)) {
      l.reject(
          ListenerConditionReason.UNSUPPORTED_VALUE,
          l.field("tls.mode") + ": \"" + mode + "\" (expected: Terminate or Passthrough)");
      return false;
    }
    if (protocol.equals(Protocols.HTTPS) && !mode.equals(Protocols.TERMINATE)) {
      l.reject(
          ListenerConditionReason.UNSUPPORTED_VALUE,
          l.field("tls.mode")
              + ": \""
              + mode
              + "\" (expected: Terminate for protocol HTTPS; use protocol TLS for Passthrough)");
      return false;
    }
    if (mode.equals(Protocols.TERMINATE)
        && nonNull(tls.getCertificateRefs()).isEmpty()
        && (tls.getOptions() == null || tls.getOptions().isEmpty())) {
      l.reject(
          ListenerConditionReason.UNSUPPORTED_VALUE,
          l.field("tls.certificateRefs")
              + ": empty (expected: certificateRefs or options when mode is Terminate)");
      return false;
    }
    return true;
  }

  /** Resolves the certificateRefs of a listener that terminates TLS into its certificates. */
  static void resolve(ListenerContext l, ResourceIndex index, Instant now) {
    if (!l.terminatesTls() || l.spec.getTls() == null) {
      return;
    }
    List<SecretObjectReference> refs = nonNull(l.spec.getTls().getCertificateRefs());
    if (refs.isEmpty()) {
      l.refProblem(
          ListenerConditionReason.INVALID_CERTIFICATE_REF,
          l.field("tls.certificateRefs")
              + ": empty (expected: a reference to a kubernetes.io/tls Secret; options alone"
              + " provide no certificate)");
      return;
    }
    String fromKind = l.listenerSet == null ? "Gateway" : "ListenerSet";
    String fromNamespace =
        l.listenerSet == null ? l.gateway.namespace() : l.listenerSet.namespace();
    for (int i = 0; i < refs.size(); i++) {
      TlsCertificate cert =
          resolve(
              refs.get(i),
              l.field("tls.certificateRefs[" + i + "]"),
              fromKind,
              fromNamespace,
              index,
              now,
              l);
      if (cert != null) {
        l.certificates.add(cert);
      }
    }
  }

  /**
   * Resolves one reference to a kubernetes.io/tls Secret, adding a problem to the listener when it
   * does not resolve.
   */
  static TlsCertificate resolve(
      SecretObjectReference ref,
      String at,
      String fromKind,
      String fromNamespace,
      ResourceIndex index,
      Instant now,
      ListenerContext l) {
    String problem = null;
    ListenerConditionReason reason = ListenerConditionReason.INVALID_CERTIFICATE_REF;
    String group = Objects.requireNonNullElse(ref.getGroup(), "");
    String kind = Objects.requireNonNullElse(ref.getKind(), SECRET);
    String namespace = Objects.requireNonNullElse(ref.getNamespace(), fromNamespace);
    String target = "Secret " + namespace + "/" + ref.getName();
    if (!group.isEmpty() || !kind.equals(SECRET)) {
      problem =
          at
              + ": \""
              + (group.isEmpty() ? "" : group + "/")
              + kind
              + "\" is not supported (expected: a core Secret of type "
              + TLS_SECRET_TYPE
              + ")";
    } else if (!namespace.equals(fromNamespace)
        && !index.referenceAllowed(fromKind, fromNamespace, "", SECRET, namespace, ref.getName())) {
      reason = ListenerConditionReason.REF_NOT_PERMITTED;
      problem =
          at
              + ": "
              + target
              + " is in another namespace (expected: a ReferenceGrant in namespace "
              + namespace
              + " that lets "
              + fromKind
              + "s in "
              + fromNamespace
              + " refer to it)";
    } else {
      Secret secret = index.secret(namespace, ref.getName()).orElse(null);
      if (secret == null) {
        problem = at + ": " + target + " not found";
      } else {
        try {
          return certificate(secret, index, now);
        } catch (Certificates.InvalidPem e) {
          problem = at + ": " + target + ": " + e.getMessage();
        }
      }
    }
    l.refProblem(reason, problem);
    return null;
  }

  /** The certificate and key of a kubernetes.io/tls Secret. */
  static TlsCertificate certificate(Secret secret, ResourceIndex index, Instant now)
      throws Certificates.InvalidPem {
    String type = secret.getType();
    if (type != null && !type.isEmpty() && !type.equals(TLS_SECRET_TYPE)) {
      throw new Certificates.InvalidPem(
          "type \"" + type + "\" (expected: " + TLS_SECRET_TYPE + ")");
    }
    Certificates.KeyPair pair =
        Certificates.keyPair(
            ResourceIndex.secretValue(secret, "tls.crt"),
            ResourceIndex.secretValue(secret, "tls.key"),
            now);
    return new TlsCertificate(
        "secret/" + secret.getMetadata().getNamespace() + "/" + secret.getMetadata().getName(),
        pair.chainPem(),
        pair.keyPem(),
        pair.dnsNames());
  }
}
