package dev.archway.translator;

import static dev.archway.translator.ResourceIndex.nonNull;

import dev.archway.api.status.ListenerConditionReason;
import dev.archway.ir.ClientValidation;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.FrontendTLSConfig;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.FrontendTLSValidation;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ObjectReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSConfig;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSPortConfig;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Client certificate validation for HTTPS listeners (Gateway {@code spec.tls.frontend}, GEP-91):
 * the per-port configuration for a listener's port, else the default. Each CA reference must be a
 * core ConfigMap with a {@code ca.crt} (InvalidCACertificateKind otherwise), exist and parse
 * (InvalidCACertificateRef), and be in the Gateway's namespace or granted (RefNotPermitted); a
 * listener whose every CA reference fails is not Accepted (NoValidCACertificate).
 */
final class FrontendValidation {
  private FrontendValidation() {}

  static void apply(GatewayContext gw, ResourceIndex index, Instant now) {
    FrontendTLSConfig frontend =
        gw.gateway.getSpec().getTls() == null ? null : gw.gateway.getSpec().getTls().getFrontend();
    if (frontend == null) {
      return;
    }
    for (ListenerContext l : gw.allListeners()) {
      if (!Protocols.HTTPS.equals(l.protocol()) || !l.attachable) {
        continue;
      }
      String at = "spec.tls.frontend.default";
      TLSConfig config = frontend.getDefault();
      List<TLSPortConfig> perPort = nonNull(frontend.getPerPort());
      for (int i = 0; i < perPort.size(); i++) {
        if (Objects.equals(perPort.get(i).getPort(), l.port())) {
          at = "spec.tls.frontend.perPort[" + i + "].tls";
          config = perPort.get(i).getTls();
        }
      }
      FrontendTLSValidation validation = config == null ? null : config.getValidation();
      if (validation == null) {
        continue;
      }
      apply(gw, l, validation, at + ".validation", index, now);
    }
  }

  private static void apply(
      GatewayContext gw,
      ListenerContext l,
      FrontendTLSValidation validation,
      String at,
      ResourceIndex index,
      Instant now) {
    String mode = Objects.requireNonNullElse(validation.getMode(), "AllowValidOnly");
    ClientValidation.Mode irMode;
    switch (mode) {
      case "AllowValidOnly" -> irMode = ClientValidation.Mode.ALLOW_VALID_ONLY;
      case "AllowInsecureFallback" -> {
        irMode = ClientValidation.Mode.ALLOW_INSECURE_FALLBACK;
        gw.insecureFrontendScopes.add(at.substring(0, at.length() - ".validation".length()));
      }
      default -> {
        l.reject(
            ListenerConditionReason.UNSUPPORTED_VALUE,
            "Gateway "
                + at
                + ".mode: \""
                + mode
                + "\" (expected: AllowValidOnly or AllowInsecureFallback)");
        return;
      }
    }
    StringBuilder bundle = new StringBuilder();
    List<ObjectReference> refs = nonNull(validation.getCaCertificateRefs());
    for (int i = 0; i < refs.size(); i++) {
      ObjectReference ref = refs.get(i);
      String rat = "Gateway " + at + ".caCertificateRefs[" + i + "]";
      String group = Objects.requireNonNullElse(ref.getGroup(), "");
      String kind = Objects.requireNonNullElse(ref.getKind(), "");
      String namespace = Objects.requireNonNullElse(ref.getNamespace(), gw.namespace());
      if (!group.isEmpty() || !kind.equals("ConfigMap")) {
        l.refProblem(
            ListenerConditionReason.INVALID_CA_CERTIFICATE_KIND,
            rat
                + ": \""
                + (group.isEmpty() ? "" : group + "/")
                + kind
                + "\" is not supported (expected: a core ConfigMap with ca.crt)");
        continue;
      }
      if (!namespace.equals(gw.namespace())
          && !index.referenceAllowed(
              "Gateway", gw.namespace(), "", "ConfigMap", namespace, ref.getName())) {
        l.refProblem(
            ListenerConditionReason.REF_NOT_PERMITTED,
            rat
                + ": ConfigMap "
                + namespace
                + "/"
                + ref.getName()
                + " is in another namespace (expected: a ReferenceGrant in namespace "
                + namespace
                + " that lets Gateways in "
                + gw.namespace()
                + " refer to it)");
        continue;
      }
      ConfigMap cm = index.configMap(namespace, ref.getName()).orElse(null);
      String pem = cm == null || cm.getData() == null ? null : cm.getData().get("ca.crt");
      try {
        if (cm == null) {
          throw new Certificates.InvalidPem("not found");
        }
        bundle.append(
            Certificates.caBundle(
                pem == null ? null : pem.getBytes(StandardCharsets.US_ASCII), "ca.crt", now));
      } catch (Certificates.InvalidPem e) {
        l.refProblem(
            ListenerConditionReason.INVALID_CA_CERTIFICATE_REF,
            rat + ": ConfigMap " + namespace + "/" + ref.getName() + ": " + e.getMessage());
      }
    }
    if (bundle.isEmpty()) {
      l.reject(
          ListenerConditionReason.NO_VALID_CA_CERTIFICATE,
          "Gateway "
              + at
              + ".caCertificateRefs: none is usable (expected: at least one valid CA"
              + " certificate to validate clients with)");
      return;
    }
    l.clientValidation = new ClientValidation(bundle.toString(), irMode);
  }
}
