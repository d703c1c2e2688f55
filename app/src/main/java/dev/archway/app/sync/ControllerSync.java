package dev.archway.app.sync;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's side of config sync in a cluster ({@code archway controller --infrastructure
 * kubernetes}): the CA from its Secret, the sync server with a certificate for the controller
 * Service's names, and the writer of the proxies' certificate Secrets.
 *
 * <p><b>The CA Secret</b> ({@code archway-ca} in the controller's namespace, {@code tls.crt} and
 * {@code tls.key}) is read, or created when there is none. Creation is an atomic create: when
 * several replicas start together the API server accepts exactly one, and the others read the one
 * that won (409 Conflict), so all replicas serve certificates of one CA without waiting for the
 * Lease (which the sync server must not wait for: a standby serves proxies too). The CA is valid
 * for ten years; replacing it is deleting the Secret and restarting the controllers, after which
 * every proxy Secret is reissued.
 *
 * <p><b>The server certificate</b> lives in memory only, issued at start for {@link
 * #SERVER_VALIDITY} and renewed in the running server when a third of that is left (see {@link
 * ServerCertificate}): proxies trust the CA, so they accept the new one at their next connection.
 */
public final class ControllerSync implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ControllerSync.class);

  /** The sync server's certificate validity (renewed after two thirds, as proxies' are). */
  public static final Duration SERVER_VALIDITY = Duration.ofDays(30);

  /** The controller Service's name, as the Helm chart names it. */
  public static final String SERVICE_NAME = "archway-controller";

  /**
   * How to start.
   *
   * @param namespace the controller's namespace (of its Service and the CA Secret)
   * @param caSecret the CA Secret's name
   * @param address where the sync server listens
   * @param extraNames more DNS names or IP addresses for the server certificate
   * @param proxyValidity the proxy certificates' validity
   * @param resync how often the proxy Secrets are read again
   */
  public record Settings(
      String namespace,
      String caSecret,
      InetSocketAddress address,
      List<String> extraNames,
      Duration proxyValidity,
      Duration resync) {
    public Settings {
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(caSecret, "caSecret");
      Objects.requireNonNull(address, "address");
      extraNames = List.copyOf(extraNames);
      Objects.requireNonNull(proxyValidity, "proxyValidity");
      Objects.requireNonNull(resync, "resync");
    }

    /** The server certificate's names: the Service's DNS names, then the extra names. */
    public List<String> serverNames() {
      LinkedHashSet<String> names = new LinkedHashSet<>();
      names.add(SERVICE_NAME + "." + namespace + ".svc");
      names.add(SERVICE_NAME + "." + namespace + ".svc.cluster.local");
      names.addAll(extraNames);
      return new ArrayList<>(names);
    }
  }

  private final CertificateAuthority ca;
  private final SyncServer server;
  private final ProxyCertificates certificates;

  private ControllerSync(
      CertificateAuthority ca, SyncServer server, ProxyCertificates certificates) {
    this.ca = ca;
    this.server = server;
    this.certificates = certificates;
  }

  /** Loads or creates the CA, starts the sync server, and prepares the proxy Secrets' writer. */
  public static ControllerSync start(
      KubernetesClient client, Settings settings, Clock clock, String fieldManager)
      throws IOException {
    CertificateAuthority ca =
        loadOrCreateCa(client, settings.namespace(), settings.caSecret(), clock);
    SyncServer server =
        SyncServer.start(settings.address(), ca, settings.serverNames(), SERVER_VALIDITY);
    LOG.info(
        "config sync listening on {} (port {}) as {}",
        settings.address(),
        server.port(),
        settings.serverNames());
    return new ControllerSync(
        ca,
        server,
        new ProxyCertificates(
            client, ca, settings.proxyValidity(), settings.resync(), clock, fieldManager));
  }

  /** The CA in {@code namespace/name}, created there first if missing. */
  public static CertificateAuthority loadOrCreateCa(
      KubernetesClient client, String namespace, String name, Clock clock) {
    for (int attempt = 0; ; attempt++) {
      Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
      if (secret != null) {
        Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
        if (data.get(TlsFiles.CERT) == null || data.get(TlsFiles.KEY) == null) {
          throw new IllegalStateException(
              "Secret " + namespace + "/" + name + " has no tls.crt and tls.key");
        }
        LOG.info("sync CA loaded from Secret {}/{}", namespace, name);
        return CertificateAuthority.fromPem(
            decode(data.get(TlsFiles.CERT)), decode(data.get(TlsFiles.KEY)), clock);
      }
      CertificateAuthority ca = CertificateAuthority.create("archway-sync-ca", clock);
      CertificateAuthority.Issued pem = ca.toPem();
      Secret created =
          new SecretBuilder()
              .withNewMetadata()
              .withNamespace(namespace)
              .withName(name)
              .addToLabels("app.kubernetes.io/name", "archway")
              .addToLabels("app.kubernetes.io/component", "sync-ca")
              .endMetadata()
              .withType("kubernetes.io/tls")
              .addToData(TlsFiles.CERT, encode(pem.certificatePem()))
              .addToData(TlsFiles.KEY, encode(pem.keyPem()))
              .build();
      try {
        client.resource(created).create();
        LOG.info("sync CA created in Secret {}/{}", namespace, name);
        return ca;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 3) {
          throw e;
        }
        // Another replica created it first: read theirs.
      }
    }
  }

  /** The CA. */
  public CertificateAuthority ca() {
    return ca;
  }

  /** The sync server, for {@code ControllerRunner.start}. */
  public SyncServer server() {
    return server;
  }

  /** The proxy Secrets' writer, for {@code ControllerRunner.start}. */
  public ProxyCertificates certificates() {
    return certificates;
  }

  private static String encode(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }

  /** Stops the writer and the server (proxies keep serving and reconnect to another replica). */
  @Override
  public void close() {
    certificates.close();
    server.close();
  }
}
