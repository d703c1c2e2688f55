package dev.archway.app.kubernetes;

import static dev.archway.app.kubernetes.ControllerHarness.currentTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.archway.app.runtime.ControllerRunner;
import dev.archway.app.runtime.StatusStore;
import dev.archway.app.sync.ControllerSync;
import dev.archway.infra.ProxySettings;
import dev.archway.provider.kubernetes.Debounce;
import dev.archway.provider.kubernetes.LeaderElection;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Helm chart (deploy/helm/archway), rendered by {@code helm template} (built by
 * hack/helm/build.sh), applies to a real API server; and its RBAC is enough, and no more than
 * needed: a controller authenticated as the chart's ServiceAccount (by impersonation) watches
 * everything, writes statuses, holds its Lease, keeps the config sync CA and a Gateway's proxy
 * certificate in Secrets and provisions the Gateway's proxy, but may not read Pods or delete
 * Secrets. The same holds with {@code rbac.secretNamespaces} limiting Secret access to named
 * Secrets of one namespace, where listing Secrets is refused.
 */
@ExtendWith(TestCluster.class)
class HelmIT {
  private final String id = UUID.randomUUID().toString().substring(0, 6);
  private final String ns = "archway-" + id;
  private final String className = "archway-helm-" + id;
  private KubernetesClient admin;
  private KubernetesClient asController;
  private ControllerRunner runner;
  private ControllerSync sync;

  @BeforeEach
  void setUp() {
    admin = TestCluster.cluster().client();
  }

  @AfterEach
  void tearDown() {
    if (runner != null) {
      runner.close();
    }
    if (sync != null) {
      sync.close();
    }
    if (asController != null) {
      asController.close();
    }
    admin.resources(GatewayClass.class).withName(className).delete();
    admin.namespaces().withName(ns).delete();
    admin.close();
  }

  private static String run(Path dir, String... command) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    byte[] out = process.getInputStream().readAllBytes();
    assertThat(process.waitFor(20, TimeUnit.MINUTES)).isTrue();
    assertThat(process.exitValue()).as("exit code of %s", List.of(command)).isZero();
    return new String(out, StandardCharsets.UTF_8);
  }

  /**
   * {@code helm template} of the chart (helm built by hack/helm/build.sh) into {@code namespace},
   * with {@code options} such as {@code --set key=value}.
   */
  static String template(String release, String namespace, String... options)
      throws IOException, InterruptedException {
    Path repo = InfraIT.repo();
    String helm = run(repo, "bash", "hack/helm/build.sh").trim();
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                helm,
                "template",
                release,
                "deploy/helm/archway",
                "--namespace",
                namespace,
                // helm template does not ask a server: the test cluster's version (kubeVersion).
                "--kube-version",
                "v1.35.4"));
    command.addAll(List.of(options));
    return run(repo, command.toArray(String[]::new));
  }

  /** The controller's arguments as the chart renders them with {@code options}. */
  private List<String> controllerArgs(String... options) throws Exception {
    String manifests = template("archway", ns, options);
    return admin
        .load(new ByteArrayInputStream(manifests.getBytes(StandardCharsets.UTF_8)))
        .items()
        .stream()
        .filter(Deployment.class::isInstance)
        .map(Deployment.class::cast)
        .findFirst()
        .orElseThrow()
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .getFirst()
        .getArgs();
  }

  /**
   * addressRange becomes one --address-range argument whatever it holds (no value text is read as
   * YAML), and none without a value.
   */
  @Test
  void addressRangeIsOneControllerArgument() throws Exception {
    assertThat(controllerArgs("--set", "addressRange=198.51.100.10-198.51.100.19"))
        .contains("--address-range=198.51.100.10-198.51.100.19");
    String hostile = "x\"\n- --evil: {{ y }}";
    List<String> args = controllerArgs("--set-json", "addressRange=\"x\\\"\\n- --evil: {{ y }}\"");
    assertThat(args).contains("--address-range=" + hostile).noneMatch(a -> a.startsWith("--evil"));
    assertThat(controllerArgs()).noneMatch(a -> a.startsWith("--address-range"));
  }

  @Test
  void chartAppliesAndItsRbacSufficesForTheController() throws Exception {
    chartRbacSuffices();
  }

  /**
   * With rbac.secretNamespaces naming the Gateway's proxy certificate Secret, as deploy/README.md
   * says to: no Secret rule is cluster-wide, and the controller still keeps the sync CA (its own
   * Role) and writes the proxy certificate.
   */
  @Test
  void secretReadsLimitedByNameStillSufficeWithProxies() throws Exception {
    chartRbacSuffices("--set", "rbac.secretNamespaces." + ns + "={archway-gw-proxy-tls}");
    for (String role : List.of("archway-controller-secrets", "archway-controller-sync-ca")) {
      assertThat(admin.rbac().roles().inNamespace(ns).withName(role).get()).as(role).isNotNull();
    }
    for (Runnable forbidden :
        List.<Runnable>of(
            () -> asController.secrets().inAnyNamespace().list(),
            () -> asController.secrets().inNamespace(ns).list(),
            () -> asController.secrets().inNamespace("default").withName("x").get())) {
      assertThatThrownBy(forbidden::run)
          .isInstanceOf(KubernetesClientException.class)
          .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));
    }
  }

  private void chartRbacSuffices(String... options) throws Exception {
    List<String> all = new java.util.ArrayList<>(List.of("--include-crds", "--set", "replicas=1"));
    all.addAll(List.of(options));
    String manifests = template("archway", ns, all.toArray(String[]::new));
    Fixtures.namespace(admin, ns);
    List<HasMetadata> objects =
        admin.load(new ByteArrayInputStream(manifests.getBytes(StandardCharsets.UTF_8))).items();
    assertThat(objects)
        .extracting(HasMetadata::getKind)
        .contains(
            "CustomResourceDefinition",
            "ServiceAccount",
            "ClusterRole",
            "ClusterRoleBinding",
            "Role",
            "RoleBinding",
            "Deployment",
            "Service");
    for (HasMetadata object : objects) {
      admin.resource(object).fieldManager("helm-it").forceConflicts().serverSideApply();
    }
    Deployment controller =
        admin.apps().deployments().inNamespace(ns).withName("archway-controller").get();
    assertThat(controller.getSpec().getTemplate().getSpec().getContainers().getFirst().getArgs())
        .contains("controller", "--infrastructure=kubernetes");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                admin.apiextensions().v1().customResourceDefinitions().list().getItems().stream()
                        .filter(c -> c.getSpec().getGroup().equals("archway.dev"))
                        .filter(
                            c ->
                                c.getStatus() != null
                                    && c.getStatus().getConditions().stream()
                                        .anyMatch(
                                            x ->
                                                x.getType().equals("Established")
                                                    && x.getStatus().equals("True")))
                        .count()
                    == 2);

    // The controller as the chart's ServiceAccount.
    asController = TestCluster.cluster().clientAs(ns, "archway-controller");
    // RBAC objects take effect at once, but give the authorizer's cache a moment.
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .until(() -> asController.resources(Gateway.class).inAnyNamespace().list() != null);

    // Least privilege: no Pods; Secrets are written (the sync CA, proxy certificates) but never
    // deleted.
    assertThatThrownBy(() -> asController.pods().inAnyNamespace().list())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));
    assertThatThrownBy(() -> asController.secrets().inNamespace(ns).withName("x").delete())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));

    admin.resource(Fixtures.archwayClass(className)).create();
    admin.resource(Fixtures.gateway(ns, "gw", className)).create();
    sync =
        ControllerSync.start(
            asController,
            new ControllerSync.Settings(
                ns,
                "archway-ca",
                new InetSocketAddress("127.0.0.1", 0),
                List.of("127.0.0.1"),
                Duration.ofDays(30),
                Duration.ofMinutes(5)),
            Clock.systemUTC(),
            "archway-controller");
    runner =
        ControllerRunner.start(
            asController,
            new ControllerRunner.Options(
                null, // no static addresses
                new LeaderElection.Settings(
                    ns,
                    "archway-controller",
                    "helm-it-" + id,
                    Duration.ofSeconds(4),
                    Duration.ofSeconds(3),
                    Duration.ofMillis(250)),
                Debounce.DEFAULT,
                Duration.ofSeconds(60),
                ProxySettings.defaults("archway-controller." + ns + ".svc:18000")),
            null,
            new StatusStore(),
            Clock.systemUTC(),
            sync.server(),
            sync.certificates());
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              Gateway gw = admin.resources(Gateway.class).inNamespace(ns).withName("gw").get();
              assertThat(
                      gw.getStatus() != null
                          && currentTrue(gw.getStatus().getConditions(), "Accepted", gw))
                  .as("Gateway Accepted, written as the controller's ServiceAccount")
                  .isTrue();
              assertThat(admin.apps().deployments().inNamespace(ns).withName("archway-gw").get())
                  .as("proxy Deployment, applied as the controller's ServiceAccount")
                  .isNotNull();
              assertThat(admin.secrets().inNamespace(ns).withName("archway-gw-proxy-tls").get())
                  .as("proxy certificate Secret, applied as the controller's ServiceAccount")
                  .isNotNull();
            });
    assertThat(runner.isLeader()).isTrue();
    assertThat(admin.secrets().inNamespace(ns).withName("archway-ca").get())
        .as("sync CA Secret, created as the controller's ServiceAccount")
        .isNotNull();
  }
}
