package dev.archway.app.kubernetes;

import static dev.archway.app.kubernetes.ControllerHarness.condition;
import static dev.archway.app.kubernetes.ControllerHarness.currentTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.archway.api.snapshot.ResourceKey;
import dev.archway.app.sync.CertificateAuthority;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatus;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Least privilege for Secrets: the chart with {@code rbac.secretNamespaces} naming one Secret, and
 * a controller authenticated as the chart's ServiceAccount (by impersonation), which may read that
 * Secret alone ({@code resourceNames}). Listing or watching all Secrets, or reading any other, is
 * forbidden to it, so the controller serves the HTTPS listener only because it watches exactly the
 * Secret the Gateway references, by name; a certificate rotation in that Secret is served.
 */
@ExtendWith(TestCluster.class)
class SecretAccessIT {
  private static final int HTTPS_PORT = 18443;
  private static final String HOST = "secure.example.com";

  private final String id = UUID.randomUUID().toString().substring(0, 6);
  private final String ns = "secrets-" + id;
  private final String className = "archway-secrets-" + id;
  private final String release = "archway-sec-" + id;
  private KubernetesClient admin;
  private KubernetesClient asController;
  private ControllerHarness harness;
  private NetnsEcho echo;
  private List<HasMetadata> clusterScoped = List.of();

  @BeforeEach
  void setUp() throws Exception {
    admin = TestCluster.cluster().client();
    harness = new ControllerHarness();
    Fixtures.namespace(admin, ns);
    admin.resource(Fixtures.archwayClass(className)).create();
    echo = NetnsEcho.start("echo-tls");
  }

  @AfterEach
  void tearDown() {
    harness.close();
    echo.close();
    if (asController != null) {
      asController.close();
    }
    clusterScoped.forEach(o -> admin.resource(o).delete());
    admin.resources(GatewayClass.class).withName(className).delete();
    admin.namespaces().withName(ns).delete();
    admin.close();
  }

  @Test
  void controllerThatMayReadOnlyTheReferencedSecretServesHttpsAndFollowsRotation()
      throws Exception {
    // The chart's RBAC, host infrastructure, Secret reads limited to web-tls in ns.
    String manifests =
        HelmIT.template(
            release,
            ns,
            "--set",
            "nameOverride=" + release,
            "--set",
            "infrastructure=host",
            "--set",
            "rbac.secretNamespaces." + ns + "={web-tls}");
    List<HasMetadata> rbac =
        admin
            .load(new ByteArrayInputStream(manifests.getBytes(StandardCharsets.UTF_8)))
            .items()
            .stream()
            .filter(
                o ->
                    Set.of(
                            "ServiceAccount",
                            "ClusterRole",
                            "ClusterRoleBinding",
                            "Role",
                            "RoleBinding")
                        .contains(o.getKind()))
            .toList();
    clusterScoped =
        rbac.stream()
            .filter(o -> o instanceof ClusterRole || o instanceof ClusterRoleBinding)
            .toList();
    assertThat(rbac)
        .filteredOn(o -> o.getKind().equals("Role"))
        .extracting(o -> o.getMetadata().getName())
        .contains(release + "-secrets");
    for (HasMetadata object : rbac) {
      admin.resource(object).fieldManager("secret-access-it").forceConflicts().serverSideApply();
    }

    Clock clock = Clock.systemUTC();
    CertificateAuthority.Issued first =
        CertificateAuthority.create("first", clock).issueServer(List.of(HOST), Duration.ofDays(1));
    admin.resource(tlsSecret("web-tls", first)).create();
    CertificateAuthority.Issued unrelated =
        CertificateAuthority.create("other", clock).issueServer(List.of(HOST), Duration.ofDays(1));
    admin.resource(tlsSecret("other-tls", unrelated)).create();
    admin.resource(Fixtures.service(ns, "echo")).create();
    admin.resource(Fixtures.slice(ns, "echo", NetnsEcho.ADDRESS, echo.port())).create();
    Gateway gateway = Fixtures.gateway(ns, "gw", className);
    gateway
        .getSpec()
        .getListeners()
        .add(
            new ListenerBuilder()
                .withName("https")
                .withProtocol("HTTPS")
                .withPort(HTTPS_PORT)
                .withNewTls()
                .withMode("Terminate")
                .addNewCertificateRef()
                .withName("web-tls")
                .endCertificateRef()
                .endTls()
                .build());
    admin.resource(gateway).create();
    admin.resource(Fixtures.route(ns, "web", "/", "echo", "gw")).create();

    asController = TestCluster.cluster().clientAs(ns, release);
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .until(() -> asController.secrets().inNamespace(ns).withName("web-tls").get() != null);
    // The identity may read web-tls and nothing else of the Secrets.
    for (Runnable forbidden :
        List.<Runnable>of(
            () -> asController.secrets().inNamespace(ns).list(),
            () -> asController.secrets().inAnyNamespace().list(),
            () -> asController.secrets().inNamespace(ns).withName("other-tls").get())) {
      assertThatThrownBy(forbidden::run)
          .isInstanceOf(KubernetesClientException.class)
          .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));
    }

    ControllerHarness.Replica replica =
        harness.start(asController, "127.0.1.61-127.0.1.70", ns, release, "a");

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              Gateway gw = admin.resources(Gateway.class).inNamespace(ns).withName("gw").get();
              assertThat(gw.getStatus()).isNotNull();
              assertThat(currentTrue(gw.getStatus().getConditions(), "Programmed", gw)).isTrue();
              ListenerStatus https = listener(gw, "https");
              assertThat(currentTrue(https.getConditions(), "ResolvedRefs", gw)).isTrue();
              assertThat(currentTrue(https.getConditions(), "Programmed", gw)).isTrue();
            });
    String address = replica.runner().addressOf(ns, "gw");
    assertThat(replica.runner().watchedSecrets())
        .containsExactly(new ResourceKey("Secret", ns, "web-tls"));
    // The snapshot holds the referenced Secret and no other.
    assertThat(replica.statuses().view().resources())
        .filteredOn(r -> r.path("kind").asString().equals("Secret"))
        .extracting(r -> r.path("metadata").path("name").asString())
        .containsExactly("web-tls");

    // HTTPS with the Secret's certificate, through to the backend.
    assertThat(https(address)).isEqualTo(new Served(first.certificate(), true));

    // Rotation: the same Secret, a new certificate.
    CertificateAuthority.Issued second =
        CertificateAuthority.create("second", clock).issueServer(List.of(HOST), Duration.ofDays(1));
    admin.resource(tlsSecret("web-tls", second)).update();
    await()
        .atMost(Duration.ofSeconds(15))
        .ignoreExceptions()
        .until(() -> https(address), s -> s.certificate().equals(second.certificate()));
    assertThat(https(address).reachedBackend()).isTrue();

    // The listener now references a Secret the controller may not read: it tries that Secret
    // alone (forbidden), stops watching web-tls, and the listener reports the reference.
    Gateway moved = admin.resources(Gateway.class).inNamespace(ns).withName("gw").get();
    listenerSpec(moved).getTls().getCertificateRefs().getFirst().setName("other-tls");
    admin.resource(moved).update();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              Gateway gw = admin.resources(Gateway.class).inNamespace(ns).withName("gw").get();
              var resolved = condition(listener(gw, "https").getConditions(), "ResolvedRefs");
              assertThat(resolved.getObservedGeneration())
                  .isEqualTo(gw.getMetadata().getGeneration());
              assertThat(resolved.getStatus()).isEqualTo("False");
              assertThat(resolved.getReason()).isEqualTo("InvalidCertificateRef");
              assertThat(resolved.getMessage()).contains("other-tls");
            });
    assertThat(replica.runner().watchedSecrets()).isEmpty();
    assertThat(replica.statuses().view().resources())
        .noneMatch(r -> r.path("kind").asString().equals("Secret"));
  }

  private static ListenerStatus listener(Gateway gw, String name) {
    return gw.getStatus().getListeners().stream()
        .filter(l -> l.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private static io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener listenerSpec(Gateway gw) {
    return gw.getSpec().getListeners().stream()
        .filter(l -> l.getName().equals("https"))
        .findFirst()
        .orElseThrow();
  }

  private Secret tlsSecret(String name, CertificateAuthority.Issued issued) {
    return new SecretBuilder()
        .withNewMetadata()
        .withNamespace(ns)
        .withName(name)
        .endMetadata()
        .withType("kubernetes.io/tls")
        .addToData("tls.crt", base64(issued.certificatePem()))
        .addToData("tls.key", base64(issued.keyPem()))
        .build();
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The certificate an HTTPS listener presented, and whether the request reached the backend. */
  record Served(X509Certificate certificate, boolean reachedBackend) {}

  /** GET / over TLS with SNI {@link #HOST}; the certificate is checked by the caller, not here. */
  private static Served https(String address) throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {new AcceptAny()}, null);
    try (SSLSocket socket =
        (SSLSocket) context.getSocketFactory().createSocket(address, HTTPS_PORT)) {
      socket.setSoTimeout(5000);
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setServerNames(List.of(new SNIHostName(HOST)));
      parameters.setApplicationProtocols(new String[] {"http/1.1"});
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      X509Certificate presented = (X509Certificate) socket.getSession().getPeerCertificates()[0];
      socket
          .getOutputStream()
          .write(
              ("GET / HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      String response = readAll(socket);
      return new Served(
          presented, response.startsWith("HTTP/1.1 200") && response.contains("echo-tls"));
    }
  }

  private static String readAll(SSLSocket socket) throws IOException {
    return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  /** The test compares the presented certificate itself. */
  private static final class AcceptAny implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
