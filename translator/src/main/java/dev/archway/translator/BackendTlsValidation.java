package dev.archway.translator;

import static dev.archway.translator.ResourceIndex.nonNull;

import dev.archway.api.status.PolicyConditionReason;
import dev.archway.ir.UpstreamTls;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicyValidation;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.LocalObjectReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.LocalPolicyTargetReferenceWithSectionName;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.SubjectAltName;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Checks one BackendTLSPolicy as the CRD would (targetRefs to Services, a precise hostname, exactly
 * one of caCertificateRefs and wellKnownCACertificates, SANs of the right shape) and resolves its
 * CA certificate references: ConfigMaps in the policy's namespace with a {@code ca.crt} key whose
 * certificates parse and are not expired.
 */
final class BackendTlsValidation {
  private static final Pattern PRECISE_HOSTNAME =
      Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
  static final String CA_KEY = "ca.crt";

  private BackendTlsValidation() {}

  /**
   * The upstream TLS the policy asks for, or null when it is not valid ({@code invalid} says why)
   * or none of its CA references is usable ({@code refProblems} says why).
   */
  static UpstreamTls validate(
      BackendTLSPolicy policy,
      ResourceIndex index,
      Instant now,
      List<String> invalid,
      List<String> refProblems,
      List<PolicyConditionReason> refReasons) {
    if (policy.getSpec() == null) {
      invalid.add("spec: missing (expected: targetRefs and validation)");
      return null;
    }
    List<LocalPolicyTargetReferenceWithSectionName> targets =
        nonNull(policy.getSpec().getTargetRefs());
    if (targets.isEmpty()) {
      invalid.add("spec.targetRefs: empty (expected: 1-16 Services)");
    }
    for (int i = 0; i < targets.size(); i++) {
      LocalPolicyTargetReferenceWithSectionName t = targets.get(i);
      String group = Objects.requireNonNullElse(t.getGroup(), "");
      if (!group.isEmpty() || !"Service".equals(t.getKind())) {
        invalid.add(
            "spec.targetRefs["
                + i
                + "]: \""
                + (group.isEmpty() ? "" : group + "/")
                + t.getKind()
                + "\" (expected: a core Service)");
      }
    }
    BackendTLSPolicyValidation v = policy.getSpec().getValidation();
    if (v == null) {
      invalid.add("spec.validation: missing (expected: hostname and CA certificates)");
      return null;
    }
    String hostname = v.getHostname();
    if (hostname == null
        || hostname.length() > 253
        || !PRECISE_HOSTNAME.matcher(hostname).matches()) {
      invalid.add(
          "spec.validation.hostname: "
              + (hostname == null ? "missing" : "\"" + hostname + "\"")
              + " (expected: a lower-case DNS name without wildcard)");
    }
    List<LocalObjectReference> caRefs = nonNull(v.getCaCertificateRefs());
    String wellKnown = v.getWellKnownCACertificates();
    if (caRefs.isEmpty() == (wellKnown == null || wellKnown.isEmpty())) {
      invalid.add(
          "spec.validation: "
              + (caRefs.isEmpty() ? "neither" : "both")
              + " caCertificateRefs and wellKnownCACertificates (expected: exactly one of them)");
    } else if (wellKnown != null && !wellKnown.isEmpty() && !wellKnown.equals("System")) {
      invalid.add(
          "spec.validation.wellKnownCACertificates: \"" + wellKnown + "\" (expected: System)");
    }
    List<UpstreamTls.SubjectAltName> sans = new ArrayList<>();
    List<SubjectAltName> specSans = nonNull(v.getSubjectAltNames());
    for (int i = 0; i < specSans.size(); i++) {
      SubjectAltName san = specSans.get(i);
      String at = "spec.validation.subjectAltNames[" + i + "]";
      String type = Objects.requireNonNullElse(san.getType(), "");
      if (type.equals("Hostname") && san.getHostname() != null && san.getUri() == null) {
        sans.add(
            new UpstreamTls.SubjectAltName(
                UpstreamTls.SubjectAltName.Type.HOSTNAME, san.getHostname()));
      } else if (type.equals("URI") && san.getUri() != null && san.getHostname() == null) {
        sans.add(new UpstreamTls.SubjectAltName(UpstreamTls.SubjectAltName.Type.URI, san.getUri()));
      } else {
        invalid.add(
            at
                + ": type \""
                + type
                + "\" (expected: Hostname with hostname, or URI with uri, and not both)");
      }
    }
    if (!invalid.isEmpty()) {
      return null;
    }
    if (wellKnown != null && !wellKnown.isEmpty()) {
      return new UpstreamTls(null, true, hostname, sans);
    }
    StringBuilder bundle = new StringBuilder();
    String namespace = policy.getMetadata().getNamespace();
    for (int i = 0; i < caRefs.size(); i++) {
      LocalObjectReference ref = caRefs.get(i);
      String at = "spec.validation.caCertificateRefs[" + i + "]";
      String group = Objects.requireNonNullElse(ref.getGroup(), "");
      String kind = Objects.requireNonNullElse(ref.getKind(), "");
      if (!group.isEmpty() || !kind.equals("ConfigMap")) {
        refReasons.add(PolicyConditionReason.INVALID_KIND);
        refProblems.add(
            at
                + ": \""
                + (group.isEmpty() ? "" : group + "/")
                + kind
                + "\" is not supported (expected: a core ConfigMap)");
        continue;
      }
      String problem = null;
      ConfigMap cm = index.configMap(namespace, ref.getName()).orElse(null);
      if (cm == null) {
        problem = at + ": ConfigMap " + namespace + "/" + ref.getName() + " not found";
      } else {
        String pem = cm.getData() == null ? null : cm.getData().get(CA_KEY);
        try {
          bundle.append(
              Certificates.caBundle(
                  pem == null ? null : pem.getBytes(StandardCharsets.US_ASCII), CA_KEY, now));
        } catch (Certificates.InvalidPem e) {
          problem = at + ": ConfigMap " + namespace + "/" + ref.getName() + ": " + e.getMessage();
        }
      }
      if (problem != null) {
        refReasons.add(PolicyConditionReason.INVALID_CA_CERTIFICATE_REF);
        refProblems.add(problem);
      }
    }
    return bundle.isEmpty() ? null : new UpstreamTls(bundle.toString(), false, hostname, sans);
  }
}
