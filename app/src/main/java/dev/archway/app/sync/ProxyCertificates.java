package dev.archway.app.sync;

import dev.archway.infra.LeaderWork;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps, while this replica leads, one Secret per provisioned Gateway with its proxies' config sync
 * certificate: {@code archway-<gateway>-proxy-tls} in the Gateway's namespace ({@code tls.crt},
 * {@code tls.key}, {@code ca.crt}), owned by the Gateway, written with server-side apply. The proxy
 * Deployment mounts it at {@code --tls-dir}.
 *
 * <p>A Secret is (re)issued when it is missing, was not signed by the current CA, does not name its
 * Gateway, belongs to an earlier Gateway of the same name (another uid), or has less than a third
 * of its validity left. With the default 30 days a certificate is renewed after about 20, so a
 * controller may be down for ten days before a proxy's certificate expires; the kubelet updates the
 * mounted files within a minute or two, and the proxy reads them at its next connection (a stream
 * already open is not affected by expiry). What was checked is remembered; everything is read again
 * at every resync, which also repairs a deleted Secret.
 *
 * <p>Secrets are never deleted here: the garbage collector removes them with their Gateway.
 */
public final class ProxyCertificates implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyCertificates.class);

  /** The proxy certificates' validity by default. */
  public static final Duration DEFAULT_VALIDITY = Duration.ofDays(30);

  /**
   * A Gateway whose proxies need a certificate.
   *
   * @param namespace the Gateway's namespace
   * @param name the Gateway's name
   * @param uid the Gateway's uid, for the owner reference
   * @param secretName the Secret to write
   * @param labels the Secret's labels
   */
  public record Target(
      String namespace, String name, String uid, String secretName, Map<String, String> labels) {
    public Target {
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(uid, "uid");
      Objects.requireNonNull(secretName, "secretName");
      labels = Map.copyOf(labels);
    }

    /** {@code <namespace>/<name>}, as the certificate names it. */
    public String gateway() {
      return namespace + "/" + name;
    }
  }

  private record Known(String uid, Instant renewAt) {}

  private final KubernetesClient client;
  private final CertificateAuthority ca;
  private final Duration validity;
  private final Clock clock;
  private final String fieldManager;
  private final LeaderWork<List<Target>> work;
  private final AtomicLong writes = new AtomicLong();

  // Only touched on the work's thread, by namespace/secret.
  private final Map<String, Known> known = new HashMap<>();

  /**
   * @param validity how long each proxy certificate is valid; renewed with a third left
   * @param resync how often every Secret is read again (renewal is checked at least this often)
   */
  public ProxyCertificates(
      KubernetesClient client,
      CertificateAuthority ca,
      Duration validity,
      Duration resync,
      Clock clock,
      String fieldManager) {
    this.client = Objects.requireNonNull(client, "client");
    this.ca = Objects.requireNonNull(ca, "ca");
    this.validity = Objects.requireNonNull(validity, "validity");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.fieldManager = Objects.requireNonNull(fieldManager, "fieldManager");
    this.work = new LeaderWork<>("archway-proxy-certificates", resync, this::check, known::clear);
  }

  /** Starts or stops writing; on becoming the leader every Secret is checked again. */
  public void setLeader(boolean leader) {
    work.setLeader(leader);
  }

  /** The Gateways that need a certificate now (replacing any set not yet handled). */
  public void submit(List<Target> targets) {
    work.submit(List.copyOf(targets));
  }

  /** Secrets written so far by this replica. */
  public long writes() {
    return writes.get();
  }

  /** Writes the Secrets that are missing, unusable or due for renewal; false if a write failed. */
  private boolean check(List<Target> targets) {
    boolean failed = false;
    Instant now = clock.instant();
    for (Target target : targets) {
      String key = target.namespace() + "/" + target.secretName();
      Known k = known.get(key);
      if (k != null && k.uid().equals(target.uid()) && now.isBefore(k.renewAt())) {
        continue;
      }
      try {
        Instant renewAt = k == null ? existing(target, now) : null;
        if (renewAt == null) {
          renewAt = write(target);
        }
        known.put(key, new Known(target.uid(), renewAt));
      } catch (KubernetesClientException | IllegalStateException e) {
        failed = true;
        known.remove(key);
        LOG.warn("writing the proxy certificate Secret {} failed: {}", key, e.getMessage());
      }
    }
    return !failed;
  }

  /** When the Secret in the API server is to be renewed, or null if it must be written now. */
  private Instant existing(Target target, Instant now) {
    Secret secret =
        client.secrets().inNamespace(target.namespace()).withName(target.secretName()).get();
    if (secret == null || secret.getData() == null) {
      return null;
    }
    try {
      String caPem = decode(secret.getData().get(TlsFiles.CA));
      String certPem = decode(secret.getData().get(TlsFiles.CERT));
      if (caPem == null
          || certPem == null
          || secret.getData().get(TlsFiles.KEY) == null
          || !CertificateAuthority.readCertificate(caPem).equals(ca.certificate())) {
        return null;
      }
      X509Certificate cert = CertificateAuthority.readCertificate(certPem);
      cert.verify(ca.certificate().getPublicKey());
      boolean owned =
          secret.getMetadata().getOwnerReferences() != null
              && secret.getMetadata().getOwnerReferences().stream()
                  .anyMatch(o -> target.uid().equals(o.getUid()));
      if (!owned || !CertificateAuthority.gatewaysOf(cert).equals(List.of(target.gateway()))) {
        return null;
      }
      Instant renewAt = renewAt(cert);
      return now.isBefore(renewAt) ? renewAt : null;
    } catch (IllegalArgumentException | java.security.GeneralSecurityException e) {
      LOG.info("proxy certificate Secret {} is not usable, replacing it: {}", target, e.toString());
      return null;
    }
  }

  /** Issues a certificate for the target's Gateway and applies its Secret; when to renew it. */
  private Instant write(Target target) {
    CertificateAuthority.Issued issued = ca.issueProxy(target.gateway(), validity);
    Map<String, String> data = new TreeMap<>();
    data.put(TlsFiles.CERT, encode(issued.certificatePem()));
    data.put(TlsFiles.KEY, encode(issued.keyPem()));
    data.put(TlsFiles.CA, encode(ca.certificatePem()));
    Secret secret =
        new SecretBuilder()
            .withNewMetadata()
            .withNamespace(target.namespace())
            .withName(target.secretName())
            .withLabels(new TreeMap<>(target.labels()))
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion("gateway.networking.k8s.io/v1")
                    .withKind("Gateway")
                    .withName(target.name())
                    .withUid(target.uid())
                    .withController(true)
                    .build())
            .endMetadata()
            .withType("kubernetes.io/tls")
            .withData(data)
            .build();
    client.resource(secret).fieldManager(fieldManager).forceConflicts().serverSideApply();
    writes.incrementAndGet();
    LOG.info(
        "wrote proxy certificate Secret {}/{} for Gateway {} (valid until {})",
        target.namespace(),
        target.secretName(),
        target.gateway(),
        issued.certificate().getNotAfter().toInstant());
    return renewAt(issued.certificate());
  }

  /** Two thirds into the certificate's validity. */
  private static Instant renewAt(X509Certificate cert) {
    Instant from = cert.getNotBefore().toInstant();
    Instant to = cert.getNotAfter().toInstant();
    return from.plus(Duration.between(from, to).multipliedBy(2).dividedBy(3));
  }

  private static String encode(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String decode(String base64) {
    return base64 == null
        ? null
        : new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    work.close();
  }
}
