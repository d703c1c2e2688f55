package dev.archway.app.kubernetes;

import static dev.archway.app.kubernetes.ControllerHarness.condition;
import static dev.archway.app.kubernetes.ControllerHarness.currentTrue;
import static dev.archway.app.kubernetes.ControllerHarness.listenerStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.archway.api.snapshot.ResourceKey;
import dev.archway.app.sync.CertificateAuthority;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatus;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Least privilege for the objects watched by name. Secrets: the chart with {@code
 * rbac.secretNamespaces} naming one Secret, and a controller authenticated as the chart's
 * ServiceAccount (by impersonation), which may read that Secret alone ({@code resourceNames}).
 * Listing or watching all Secrets, or reading any other, is forbidden to it, so the controller
 * serves the HTTPS listener only because it watches exactly the Secret the Gateway references, by
 * name; a certificate rotation in that Secret is served. ConfigMaps likewise: with its ConfigMap
 * access cut down to a Role naming the two referenced ConfigMaps (CA certificates of the Gateway's
 * client certificate validation and of a BackendTLSPolicy), the controller validates clients with
 * them, follows a new CA, and watches a referenced ConfigMap that does not exist yet.
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
    List<HasMetadata> rbac =
        Fixtures.chartRbac(
            admin,
            release,
            ns,
            "--set",
            "infrastructure=host",
            "--set",
            "rbac.secretNamespaces." + ns + "={web-tls}");
    assertThat(rbac)
        .filteredOn(o -> o.getKind().equals("Role"))
        .extracting(o -> o.getMetadata().getName())
        .contains(release + "-secrets");
    applyAsController(rbac);

    Clock clock = Clock.systemUTC();
    CertificateAuthority.Issued first =
        CertificateAuthority.create("first", clock).issueServer(List.of(HOST), Duration.ofDays(1));
    admin.resource(Fixtures.tlsSecret(ns, "web-tls", first)).create();
    CertificateAuthority.Issued unrelated =
        CertificateAuthority.create("other", clock).issueServer(List.of(HOST), Duration.ofDays(1));
    admin.resource(Fixtures.tlsSecret(ns, "other-tls", unrelated)).create();
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
              ListenerStatus https = listenerStatus(gw, "https");
              assertThat(currentTrue(https.getConditions(), "ResolvedRefs", gw)).isTrue();
              assertThat(currentTrue(https.getConditions(), "Programmed", gw)).isTrue();
            });
    String address = replica.runner().addressOf(ns, "gw");
    assertThat(replica.runner().watchedByName())
        .containsExactly(new ResourceKey("Secret", ns, "web-tls"));
    // The snapshot holds the referenced Secret and no other.
    assertThat(replica.statuses().view().resources())
        .filteredOn(r -> r.path("kind").asString().equals("Secret"))
        .extracting(r -> r.path("metadata").path("name").asString())
        .containsExactly("web-tls");

    // HTTPS with the Secret's certificate, through to the backend.
    assertThat(https(address)).isEqualTo(new HttpsProbe.Served(first.certificate(), true));

    // Rotation: the same Secret, a new certificate.
    CertificateAuthority.Issued second =
        CertificateAuthority.create("second", clock).issueServer(List.of(HOST), Duration.ofDays(1));
    admin.resource(Fixtures.tlsSecret(ns, "web-tls", second)).update();
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
              var resolved = condition(listenerStatus(gw, "https").getConditions(), "ResolvedRefs");
              assertThat(resolved.getObservedGeneration())
                  .isEqualTo(gw.getMetadata().getGeneration());
              assertThat(resolved.getStatus()).isEqualTo("False");
              assertThat(resolved.getReason()).isEqualTo("InvalidCertificateRef");
              assertThat(resolved.getMessage()).contains("other-tls");
            });
    assertThat(replica.runner().watchedByName()).isEmpty();
    assertThat(replica.statuses().view().resources())
        .noneMatch(r -> r.path("kind").asString().equals("Secret"));
  }

  @Test
  void controllerThatMayReadOnlyTheReferencedConfigMapsValidatesClientsWithThem() throws Exception {
    grantOnlyReferencedConfigMaps();
    Clock clock = Clock.systemUTC();
    CertificateAuthority.Issued server =
        CertificateAuthority.create("server", clock).issueServer(List.of(HOST), Duration.ofDays(1));
    admin.resource(Fixtures.tlsSecret(ns, "web-tls", server)).create();
    CertificateAuthority first = CertificateAuthority.create("clients-1", clock);
    CertificateAuthority second = CertificateAuthority.create("clients-2", clock);
    CertificateAuthority.Issued firstClient = first.issueProxy("a/client", Duration.ofDays(1));
    CertificateAuthority.Issued secondClient = second.issueProxy("a/client", Duration.ofDays(1));
    admin.resource(caConfigMap("unrelated", first)).create();
    admin.resource(Fixtures.service(ns, "echo")).create();
    admin.resource(Fixtures.slice(ns, "echo", NetnsEcho.ADDRESS, echo.port())).create();
    admin.resource(gateway()).create();
    admin.resource(Fixtures.route(ns, "web", "/", "echo", "gw")).create();
    // A policy for a Service a route uses, so that it reports to the Gateway; its CA is missing.
    admin.resource(Fixtures.service(ns, "secure")).create();
    admin.resource(Fixtures.route(ns, "secure", "/secure", "secure", "gw")).create();
    admin.resource(backendTlsPolicy()).create();

    ControllerHarness.Replica replica =
        harness.start(asController, "127.0.1.61-127.0.1.70", ns, release, "a");

    // Both ConfigMaps are referenced and neither exists: each is watched by name all the same, and
    // the listener and the policy say what is missing.
    assertThat(replica.runner().watchedByName())
        .containsExactly(
            new ResourceKey("ConfigMap", ns, "backend-ca"),
            new ResourceKey("ConfigMap", ns, "client-ca"),
            new ResourceKey("Secret", ns, "web-tls"));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              Gateway gw = gateway("gw");
              var resolved = condition(listenerStatus(gw, "https").getConditions(), "ResolvedRefs");
              assertThat(resolved.getReason()).isEqualTo("InvalidCACertificateRef");
              assertThat(resolved.getMessage()).contains("client-ca");
              assertThat(policyCondition("ResolvedRefs").getReason())
                  .isEqualTo("InvalidCACertificateRef");
            });
    assertThat(configMapsHeld(replica)).isEmpty();

    // The client CA appears: the listener is programmed and accepts clients of that CA only.
    admin.resource(caConfigMap("client-ca", first)).create();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              Gateway gw = gateway("gw");
              assertThat(
                      currentTrue(listenerStatus(gw, "https").getConditions(), "ResolvedRefs", gw))
                  .isTrue();
              assertThat(currentTrue(listenerStatus(gw, "https").getConditions(), "Programmed", gw))
                  .isTrue();
            });
    String address = replica.runner().addressOf(ns, "gw");
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> HttpsProbe.reaches(address, HTTPS_PORT, HOST, "echo-tls", firstClient));
    assertThat(HttpsProbe.reaches(address, HTTPS_PORT, HOST, "echo-tls", secondClient)).isFalse();
    assertThat(HttpsProbe.reaches(address, HTTPS_PORT, HOST, "echo-tls", null)).isFalse();

    // A new CA in the same ConfigMap: the other clients are accepted, the first ones refused.
    admin.resource(caConfigMap("client-ca", second)).update();
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> HttpsProbe.reaches(address, HTTPS_PORT, HOST, "echo-tls", secondClient));
    assertThat(HttpsProbe.reaches(address, HTTPS_PORT, HOST, "echo-tls", firstClient)).isFalse();

    // The policy's CA appears: the policy resolves it.
    admin.resource(caConfigMap("backend-ca", first)).create();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(policyCondition("ResolvedRefs").getStatus()).isEqualTo("True"));
    // The snapshot holds the referenced ConfigMaps and no other (not "unrelated", nor the
    // kube-root-ca.crt the controller-manager puts in every namespace).
    assertThat(configMapsHeld(replica)).containsExactly("backend-ca", "client-ca");

    // The Gateway stops validating clients and the policy goes: neither ConfigMap is watched.
    Gateway plain = gateway("gw");
    plain.getSpec().setTls(null);
    admin.resource(plain).update();
    admin.resource(backendTlsPolicy()).delete();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(replica.runner().watchedByName())
                  .containsExactly(new ResourceKey("Secret", ns, "web-tls"));
              assertThat(configMapsHeld(replica)).isEmpty();
            });
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> HttpsProbe.reaches(address, HTTPS_PORT, HOST, "echo-tls", null));
  }

  /**
   * The chart's RBAC with Secret reads limited to web-tls, and ConfigMap reads limited to the two
   * referenced ConfigMaps: the ClusterRole's ConfigMap grant is replaced by a Role with {@code
   * resourceNames}.
   */
  private void grantOnlyReferencedConfigMaps() throws Exception {
    List<HasMetadata> rbac =
        new ArrayList<>(
            Fixtures.chartRbac(
                admin,
                release,
                ns,
                "--set",
                "infrastructure=host",
                "--set",
                "rbac.secretNamespaces." + ns + "={web-tls}"));
    ClusterRole role =
        rbac.stream()
            .filter(ClusterRole.class::isInstance)
            .map(ClusterRole.class::cast)
            .findFirst()
            .orElseThrow();
    PolicyRule configMaps =
        role.getRules().stream()
            .filter(r -> r.getResources().contains("configmaps"))
            .findFirst()
            .orElseThrow();
    configMaps.setResources(
        configMaps.getResources().stream().filter(r -> !r.equals("configmaps")).toList());
    rbac.add(
        new RoleBuilder()
            .withNewMetadata()
            .withNamespace(ns)
            .withName(release + "-configmaps")
            .endMetadata()
            .addNewRule()
            .withApiGroups("")
            .withResources("configmaps")
            .withResourceNames("client-ca", "backend-ca")
            .withVerbs("get", "list", "watch")
            .endRule()
            .build());
    rbac.add(
        new RoleBindingBuilder()
            .withNewMetadata()
            .withNamespace(ns)
            .withName(release + "-configmaps")
            .endMetadata()
            .withNewRoleRef()
            .withApiGroup("rbac.authorization.k8s.io")
            .withKind("Role")
            .withName(release + "-configmaps")
            .endRoleRef()
            .addNewSubject()
            .withKind("ServiceAccount")
            .withName(release)
            .withNamespace(ns)
            .endSubject()
            .build());
    applyAsController(rbac);
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .until(
            () -> {
              asController.configMaps().inNamespace(ns).withName("client-ca").get();
              return true;
            });
    for (Runnable forbidden :
        List.<Runnable>of(
            () -> asController.configMaps().inNamespace(ns).list(),
            () -> asController.configMaps().inAnyNamespace().list(),
            () -> asController.configMaps().inNamespace(ns).withName("kube-root-ca.crt").get())) {
      assertThatThrownBy(forbidden::run)
          .isInstanceOf(KubernetesClientException.class)
          .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));
    }
  }

  /** Applies the RBAC objects and authenticates as the chart's ServiceAccount. */
  private void applyAsController(List<HasMetadata> rbac) {
    clusterScoped =
        rbac.stream()
            .filter(o -> o instanceof ClusterRole || o instanceof ClusterRoleBinding)
            .toList();
    for (HasMetadata object : rbac) {
      admin.resource(object).fieldManager("secret-access-it").forceConflicts().serverSideApply();
    }
    asController = TestCluster.cluster().clientAs(ns, release);
  }

  /** HTTP and an HTTPS listener with web-tls; clients validated against ConfigMap client-ca. */
  private Gateway gateway() {
    return admin
        .getKubernetesSerialization()
        .unmarshal(
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata:
              name: gw
              namespace: %s
            spec:
              gatewayClassName: %s
              tls:
                frontend:
                  default:
                    validation:
                      caCertificateRefs:
                      - group: ""
                        kind: ConfigMap
                        name: client-ca
              listeners:
              - name: http
                port: %d
                protocol: HTTP
              - name: https
                port: %d
                protocol: HTTPS
                hostname: %s
                tls:
                  mode: Terminate
                  certificateRefs:
                  - name: web-tls
            """
                .formatted(ns, className, Fixtures.LISTENER_PORT, HTTPS_PORT, HOST),
            Gateway.class);
  }

  /** Upstream TLS to Service secure, trusting the CA in ConfigMap backend-ca. */
  private BackendTLSPolicy backendTlsPolicy() {
    return admin
        .getKubernetesSerialization()
        .unmarshal(
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: BackendTLSPolicy
            metadata:
              name: secure
              namespace: %s
            spec:
              targetRefs:
              - group: ""
                kind: Service
                name: secure
              validation:
                hostname: secure.example.com
                caCertificateRefs:
                - group: ""
                  kind: ConfigMap
                  name: backend-ca
            """
                .formatted(ns),
            BackendTLSPolicy.class);
  }

  private ConfigMap caConfigMap(String name, CertificateAuthority ca) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withNamespace(ns)
        .withName(name)
        .endMetadata()
        .addToData("ca.crt", ca.certificatePem())
        .build();
  }

  private Gateway gateway(String name) {
    return admin.resources(Gateway.class).inNamespace(ns).withName(name).get();
  }

  /** The policy's condition of this type for its ancestor gw. */
  private io.fabric8.kubernetes.api.model.Condition policyCondition(String type) {
    BackendTLSPolicy policy =
        admin.resources(BackendTLSPolicy.class).inNamespace(ns).withName("secure").get();
    assertThat(policy.getStatus()).isNotNull();
    assertThat(policy.getStatus().getAncestors()).hasSize(1);
    return condition(policy.getStatus().getAncestors().get(0).getConditions(), type);
  }

  /** The names of the ConfigMaps in the controller's snapshot, as the admin view lists them. */
  private static List<String> configMapsHeld(ControllerHarness.Replica replica) {
    return replica.statuses().view().resources().stream()
        .filter(r -> r.path("kind").asString().equals("ConfigMap"))
        .map(r -> r.path("metadata").path("name").asString())
        .sorted()
        .toList();
  }

  private static io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener listenerSpec(Gateway gw) {
    return gw.getSpec().getListeners().stream()
        .filter(l -> l.getName().equals("https"))
        .findFirst()
        .orElseThrow();
  }

  private static HttpsProbe.Served https(String address) throws Exception {
    return HttpsProbe.get(address, HTTPS_PORT, HOST, "echo-tls", null);
  }
}
