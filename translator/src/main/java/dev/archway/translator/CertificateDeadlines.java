package dev.archway.translator;

import dev.archway.api.snapshot.ResourceSnapshot;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * When a translation made now would next come out different because of time alone: the translator
 * checks certificates against the time of the translation ({@link Certificates}), so a listener's
 * certificate that expires, or one that is not valid yet and becomes valid, changes statuses and
 * what is served without any resource changing. A runner translates again at the instant this
 * returns.
 *
 * <p>Reads every certificate a snapshot holds where the translator may look for one ({@code
 * tls.crt} and {@code ca.crt} of Secrets, {@code ca.crt} of ConfigMaps), referenced or not: one
 * needless translation costs less than tracking which are referenced. Certificates are parsed once
 * per resource object: snapshots share the objects of resources that did not change.
 */
public final class CertificateDeadlines {
  private static final List<String> SECRET_KEYS = List.of("tls.crt", BackendTlsValidation.CA_KEY);

  private Map<HasMetadata, List<Instant>> parsed = new IdentityHashMap<>();

  /** The first instant after {@code now} at which a certificate becomes valid or expires. */
  public Optional<Instant> next(ResourceSnapshot snapshot, Instant now) {
    Map<HasMetadata, List<Instant>> seen = new IdentityHashMap<>();
    Instant next = null;
    for (Secret secret : snapshot.list(Secret.class)) {
      next = earliest(next, boundaries(secret, seen), now);
    }
    for (ConfigMap configMap : snapshot.list(ConfigMap.class)) {
      next = earliest(next, boundaries(configMap, seen), now);
    }
    parsed = seen;
    return Optional.ofNullable(next);
  }

  private List<Instant> boundaries(HasMetadata resource, Map<HasMetadata, List<Instant>> seen) {
    List<Instant> known = parsed.get(resource);
    if (known == null) {
      known = new ArrayList<>();
      if (resource instanceof Secret secret) {
        for (String key : SECRET_KEYS) {
          addBoundaries(ResourceIndex.secretValue(secret, key), known);
        }
      } else if (resource instanceof ConfigMap configMap && configMap.getData() != null) {
        String pem = configMap.getData().get(BackendTlsValidation.CA_KEY);
        addBoundaries(pem == null ? null : pem.getBytes(StandardCharsets.US_ASCII), known);
      }
    }
    seen.put(resource, known);
    return known;
  }

  /**
   * A certificate is valid from notBefore through notAfter, both included ({@link
   * X509Certificate#checkValidity}): it changes at notBefore and just after notAfter.
   */
  private static void addBoundaries(byte[] pem, List<Instant> into) {
    if (pem == null) {
      return;
    }
    try {
      for (X509Certificate cert : Certificates.certificates(pem, "certificate")) {
        into.add(cert.getNotBefore().toInstant());
        into.add(cert.getNotAfter().toInstant().plusMillis(1));
      }
    } catch (Certificates.InvalidPem e) {
      // Not a certificate the translator could use either; no deadline of its own.
    }
  }

  private static Instant earliest(Instant next, List<Instant> boundaries, Instant now) {
    for (Instant at : boundaries) {
      if (at.isAfter(now) && (next == null || at.isBefore(next))) {
        next = at;
      }
    }
    return next;
  }
}
