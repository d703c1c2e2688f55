package dev.archway.provider.kubernetes;

import dev.archway.api.snapshot.ResourceKey;
import dev.archway.api.v1alpha1.ArchwayApi;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * The status writer's pass after a change in Kubernetes mode: every route's computed status is
 * submitted, and all but the changed ones already match what the informer cache holds, so the pass
 * writes nothing. Run: {@code mvn -B -q package -Pjmh -pl provider -DskipTests}, then {@code java
 * -jar provider/target/jmh/benchmarks.jar StatusWriterBenchmark -prof gc}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StatusWriterBenchmark {
  @Param({"1000", "10000"})
  int routes;

  private KubernetesClient client;
  private StatusWriter writer;
  private final Map<ResourceKey, HTTPRouteStatus> computed = new HashMap<>();

  private static RouteParentStatus parent(String transitionTime) {
    List<Condition> conditions = new ArrayList<>();
    for (String type : new String[] {"Accepted", "ResolvedRefs"}) {
      conditions.add(
          new ConditionBuilder()
              .withType(type)
              .withStatus("True")
              .withReason(type)
              .withMessage("")
              .withObservedGeneration(1L)
              .withLastTransitionTime(transitionTime)
              .build());
    }
    return new RouteParentStatusBuilder()
        .withNewParentRef()
        .withName("gw")
        .endParentRef()
        .withControllerName(ArchwayApi.CONTROLLER_NAME)
        .withConditions(conditions)
        .build();
  }

  @Setup
  public void setUp() {
    Map<ResourceKey, HasMetadata> cached = new HashMap<>();
    for (int i = 0; i < routes; i++) {
      HTTPRoute route =
          new HTTPRouteBuilder()
              .withNewMetadata()
              .withNamespace("default")
              .withName("route-" + i)
              .withGeneration(1L)
              .withResourceVersion(String.valueOf(1000 + i))
              .endMetadata()
              .withNewSpec()
              .addNewParentRef()
              .withName("gw")
              .endParentRef()
              .addNewRule()
              .addNewMatch()
              .withNewPath()
              .withType("PathPrefix")
              .withValue("/r" + i)
              .endPath()
              .endMatch()
              .addNewBackendRef()
              .withName("echo")
              .withPort(8080)
              .endBackendRef()
              .endRule()
              .endSpec()
              .withNewStatus()
              .withParents(parent("2026-01-01T00:00:00Z"))
              .endStatus()
              .build();
      ResourceKey key = ResourceKey.of(route);
      cached.put(key, route);
      HTTPRouteStatus status = new HTTPRouteStatus();
      status.setParents(List.of(parent(null)));
      computed.put(key, status);
    }
    ObjectCache cache =
        new ObjectCache() {
          @Override
          public Optional<HasMetadata> get(ResourceKey key) {
            return Optional.ofNullable(cached.get(key));
          }

          @Override
          public List<HasMetadata> list(String kind) {
            return kind.equals("HTTPRoute") ? List.copyOf(cached.values()) : List.of();
          }
        };
    // Never connects: every status already matches, so nothing is read or written.
    client = new KubernetesClientBuilder().build();
    writer = new StatusWriter(client, cache, Clock.systemUTC(), ArchwayApi.CONTROLLER_NAME);
    writer.setLeader(true);
    writer.submit(computed).join();
    if (writer.writes() != 0) {
      throw new IllegalStateException("the benchmark's statuses do not match: it would write");
    }
  }

  @Benchmark
  public long passWithNothingToWrite() {
    writer.submit(computed).join();
    return writer.writes();
  }

  @TearDown
  public void tearDown() {
    writer.close();
    client.close();
  }
}
