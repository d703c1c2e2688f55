package dev.archway.app.sync;

import dev.archway.api.runtime.RuntimeFacts;
import dev.archway.api.snapshot.ResourceSnapshot;
import dev.archway.api.yaml.ManifestLoader;
import dev.archway.app.sync.SyncProtocol.ConfigDelta;
import dev.archway.app.sync.SyncProtocol.ConfigUpdate;
import dev.archway.dataplane.DataPlane;
import dev.archway.dataplane.DataPlaneOptions;
import dev.archway.ir.DataPlaneConfig;
import dev.archway.translator.GatewayRuntime;
import dev.archway.translator.TranslationMemo;
import dev.archway.translator.Translator;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one route's change costs in Kubernetes mode between the controller's translation and the
 * proxy serving it, without the network: the controller encodes the update for a proxy, the proxy
 * decodes it, builds the configuration and applies it to a running data plane. Each invocation
 * changes one route back or forth. {@code whole*} sends the whole configuration, as every route
 * change did before {@link ConfigDeltas}; {@code delta*} sends a delta.
 *
 * <p>Run: {@code mvn -B -q install -DskipTests}, {@code mvn -B -q package -Pjmh -pl app
 * -DskipTests}, then {@code java -cp app/target/jmh/benchmarks.jar org.openjdk.jmh.Main
 * ConfigSyncBenchmark -prof gc}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms2g", "-Xmx2g"})
public class ConfigSyncBenchmark {
  @Param({"1000", "10000"})
  int routes;

  private final GatewayConfigs.Slicer slicer = new GatewayConfigs.Slicer();
  private DataPlaneConfig[] configs;
  private DataPlaneConfig[] slices;
  private byte[][] wholeBytes;
  private byte[][] deltaBytes;
  private DataPlane dataPlane;
  private DataPlaneConfig applied;
  private int version;

  private static ResourceSnapshot snapshot(int routes, String changedPath) {
    StringBuilder yaml =
        new StringBuilder(
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: GatewayClass
            metadata: {name: archway}
            spec: {controllerName: archway.dev/gateway-controller}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: gw, namespace: bench}
            spec:
              gatewayClassName: archway
              listeners:
              - {name: http, port: 18780, protocol: HTTP}
            """);
    for (int s = 0; s < 100; s++) {
      yaml.append(
          """
          ---
          apiVersion: v1
          kind: Service
          metadata: {name: s%1$d, namespace: bench}
          spec: {ports: [{name: http, port: 80, targetPort: 8080}]}
          ---
          apiVersion: discovery.k8s.io/v1
          kind: EndpointSlice
          metadata:
            name: s%1$d-a
            namespace: bench
            labels: {kubernetes.io/service-name: s%1$d}
          addressType: IPv4
          ports: [{name: http, port: 8080}]
          endpoints: [{addresses: [10.0.%1$d.1]}, {addresses: [10.0.%1$d.2]}]
          """
              .formatted(s));
    }
    for (int r = 0; r < routes; r++) {
      String path = r == routes / 2 ? changedPath : "/r" + r;
      yaml.append(
          """
          ---
          apiVersion: gateway.networking.k8s.io/v1
          kind: HTTPRoute
          metadata: {name: r%1$d, namespace: bench}
          spec:
            parentRefs: [{name: gw}]
            hostnames: [r%1$d.example.com, www.r%1$d.example.com]
            rules:
            - matches:
              - path: {type: PathPrefix, value: %2$s}
                headers: [{name: x-tenant, value: t%1$d}]
              - path: {type: Exact, value: %2$s/exact}
              backendRefs: [{name: s%3$d, port: 80}]
          """
              .formatted(r, path, r % 100));
    }
    try {
      Path file = Files.createTempFile("config-sync-bench", ".yaml");
      try {
        Files.writeString(file, yaml);
        return ManifestLoader.loadFile(file).snapshot();
      } finally {
        Files.delete(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    RuntimeFacts facts = RuntimeFacts.NONE.withNow(Instant.parse("2027-01-01T00:00:00Z"));
    TranslationMemo memo = new TranslationMemo();
    // The second snapshot holds the first one's objects but for the changed route, as the
    // Kubernetes provider's do: the translation memo then keeps the other routes' IR objects.
    ResourceSnapshot a = snapshot(routes, "/changed-a");
    HasMetadata changed =
        snapshot(routes, "/changed-b").find(HTTPRoute.class, "bench", "r" + routes / 2).orElseThrow();
    ResourceSnapshot b = a.withChanges(List.of(), List.of(changed));
    configs = new DataPlaneConfig[2];
    slices = new DataPlaneConfig[2];
    int next = 0;
    for (ResourceSnapshot snapshot : new ResourceSnapshot[] {a, b}) {
      DataPlaneConfig config =
          Translator.translate(snapshot, facts, GatewayRuntime.KUBERNETES, memo).config();
      configs[next] = config;
      slices[next++] = GatewayConfigs.split(config).get("bench/gw");
    }
    // Index i: the update to slices[i], from the other one.
    wholeBytes = new byte[2][];
    deltaBytes = new byte[2][];
    for (int i = 0; i < 2; i++) {
      wholeBytes[i] = SyncProtocol.JSON.writeValueAsBytes(ConfigUpdate.full(2, slices[i]));
      ConfigDelta delta = ConfigDeltas.between(1, slices[1 - i], slices[i]).orElseThrow();
      deltaBytes[i] = SyncProtocol.JSON.writeValueAsBytes(ConfigUpdate.changes(2, delta));
    }
    System.out.printf(
        "%n%d routes: whole update %,d bytes, delta %,d bytes%n",
        routes, wholeBytes[0].length, deltaBytes[0].length);
    dataPlane = DataPlane.start(DataPlaneOptions.defaults().withWorkers(1));
    applied = slices[0];
    dataPlane.apply(SyncClient.boundTo(applied, "127.0.0.1"));
    version = 0;
  }

  /**
   * The controller's part: the configuration cut into one per Gateway, each with the destinations
   * it uses, by the slicer the sync server keeps from change to change.
   */
  @Benchmark
  public Object split() {
    version++;
    return slicer.split(configs[version % 2]);
  }

  /** The controller's part: the update as bytes. */
  @Benchmark
  public int wholeEncode() {
    version++;
    return SyncProtocol.JSON.writeValueAsBytes(ConfigUpdate.full(version, slices[version % 2]))
        .length;
  }

  @Benchmark
  public int deltaEncode() {
    version++;
    DataPlaneConfig from = slices[(version + 1) % 2];
    DataPlaneConfig to = slices[version % 2];
    ConfigDelta delta = ConfigDeltas.between(version - 1, from, to).orElseThrow();
    return SyncProtocol.JSON.writeValueAsBytes(ConfigUpdate.changes(version, delta)).length;
  }

  /** The proxy's part: read the update, make the configuration, apply it. */
  @Benchmark
  public Object wholeApply() {
    version++;
    DataPlaneConfig config =
        SyncProtocol.JSON.readValue(wholeBytes[version % 2], ConfigUpdate.class).config();
    applied = config;
    return dataPlane.apply(SyncClient.boundTo(config, "127.0.0.1"));
  }

  @Benchmark
  public Object deltaApply() {
    version++;
    ConfigDelta delta =
        SyncProtocol.JSON.readValue(deltaBytes[version % 2], ConfigUpdate.class).changes();
    applied = ConfigDeltas.apply(applied, delta);
    return dataPlane.apply(SyncClient.boundTo(applied, "127.0.0.1"));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    dataPlane.close();
  }
}
