package dev.archway.app.kubernetes;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real kube-apiserver, etcd and kube-controller-manager with the Gateway API CRDs, started once
 * per test JVM by {@code hack/test-cluster/build.sh} and {@code start.sh} into a temporary state
 * directory, and stopped (and deleted) when the JVM's tests are done.
 *
 * <p>To iterate quickly, set {@code ARCHWAY_TEST_CLUSTER_DIR} to the state directory of a cluster
 * started by hand ({@code hack/test-cluster/start.sh DIR}): it is reused and left running.
 */
public final class TestCluster implements BeforeAllCallback {
  /** Building the binaries the first time takes long; starting takes under a minute. */
  private static final long TIMEOUT_MINUTES = 30;

  /** The running cluster, shared by every test class of the JVM. */
  public static final class Running implements AutoCloseable {
    private final Path repo;
    private final Path stateDir;
    private final boolean owned;

    Running(Path repo, Path stateDir, boolean owned) {
      this.repo = repo;
      this.stateDir = stateDir;
      this.owned = owned;
    }

    public Path kubeconfig() {
      return stateDir.resolve("kubeconfig");
    }

    /** A new client for the cluster's admin user. */
    public KubernetesClient client() {
      return new KubernetesClientBuilder()
          .withConfig(Config.fromKubeconfig(kubeconfig().toFile()))
          .build();
    }

    /**
     * A new client authenticated as a ServiceAccount, as its pods would be (the admin impersonates
     * it, with the groups the API server gives ServiceAccounts): RBAC applies as in a cluster.
     */
    public KubernetesClient clientAs(String namespace, String serviceAccount) {
      Config config =
          new io.fabric8.kubernetes.client.ConfigBuilder(
                  Config.fromKubeconfig(kubeconfig().toFile()))
              .withImpersonateUsername("system:serviceaccount:" + namespace + ":" + serviceAccount)
              .withImpersonateGroups(
                  "system:serviceaccounts",
                  "system:serviceaccounts:" + namespace,
                  "system:authenticated")
              .build();
      return new KubernetesClientBuilder().withConfig(config).build();
    }

    @Override
    public void close() throws IOException {
      if (!owned) {
        return;
      }
      try {
        run(repo, stateDir.resolve("stop.log"), "hack/test-cluster/stop.sh", stateDir.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      try (Stream<Path> files = Files.walk(stateDir)) {
        files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      }
    }
  }

  private static Running running;

  /** The cluster; {@link #beforeAll} must have run (use the extension). */
  public static Running cluster() {
    if (running == null) {
      throw new IllegalStateException("annotate the test with @ExtendWith(TestCluster.class)");
    }
    return running;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    running =
        context
            .getRoot()
            .getStore(ExtensionContext.Namespace.create(TestCluster.class))
            .getOrComputeIfAbsent("cluster", k -> start(), Running.class);
  }

  private static Running start() {
    try {
      Path repo = repoRoot();
      String reuse = System.getenv("ARCHWAY_TEST_CLUSTER_DIR");
      boolean owned = reuse == null || reuse.isBlank();
      Path stateDir =
          owned
              ? Files.createTempDirectory("archway-test-cluster-")
              : Path.of(reuse).toAbsolutePath();
      Path log = Files.createTempFile("archway-test-cluster-start-", ".log");
      run(repo, log, "hack/test-net/up.sh");
      run(repo, log, "hack/test-cluster/build.sh");
      run(repo, log, "hack/test-cluster/start.sh", stateDir.toString());
      Files.deleteIfExists(log);
      return new Running(repo, stateDir, owned);
    } catch (IOException e) {
      throw new IllegalStateException("starting the test cluster: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the test cluster", e);
    }
  }

  private static void run(Path repo, Path log, String script, String... args)
      throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of("bash", script));
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command)
            .directory(repo.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException(script + " timed out; see " + log);
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException(
          script + " failed with exit code " + process.exitValue() + ":\n" + tail(log));
    }
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }

  private static Path repoRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("hack/test-cluster"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException(
          "hack/test-cluster not found above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }
}
