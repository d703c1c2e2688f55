package dev.archway.translator.jmh;

import dev.archway.api.runtime.RuntimeFacts;
import dev.archway.api.snapshot.ResourceSnapshot;
import dev.archway.api.status.Conditions;
import dev.archway.api.status.RouteConditionType;
import dev.archway.translator.GatewayRuntime;
import dev.archway.translator.TranslationMemo;
import dev.archway.translator.TranslationResult;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import dev.archway.translator.Translator;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteStatus;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * A full translation of a large snapshot: the work the control plane does on every change that is
 * not endpoint-only. {@code 1000routes-100gateways} is 100 Gateways with two listeners each and 10
 * HTTPRoutes per Gateway; {@code 10000routes-1gateway} is one Gateway with 10,000 HTTPRoutes. Both
 * spread routes over 100 namespaces with 10 Services each (EndpointSlices of 3 endpoints) and send a
 * fifth of one rule's traffic to Services in another namespace under a ReferenceGrant.
 *
 * <p>Setup checks that every route is Accepted with its references resolved, so the benchmark
 * measures the successful path and not an early rejection.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:ActiveProcessorCount=1"})
public class TranslatorBenchmark {
  private static final RuntimeFacts FACTS =
      RuntimeFacts.NONE.withNow(Instant.parse("2027-01-01T00:00:00Z"));

  @Param({"1000routes-100gateways", "10000routes-1gateway"})
  public String scenario;

  private ResourceSnapshot snapshot;

  /** The snapshot with its last HTTPRoute replaced by a copy, and the memo's alternation. */
  private ResourceSnapshot[] oneRouteChanged;

  private final TranslationMemo memo = new TranslationMemo();
  private int turn;

  @Setup(Level.Trial)
  public void setUp() {
    snapshot =
        switch (scenario) {
          case "1000routes-100gateways" -> Scenarios.manyGateways(100, 10, 100);
          case "10000routes-1gateway" -> Scenarios.oneGateway(10_000, 100);
          default -> throw new IllegalArgumentException("scenario: " + scenario);
        };
    check(Translator.translate(snapshot, FACTS));
    oneRouteChanged = new ResourceSnapshot[] {snapshot, withLastRouteCopied(snapshot)};
    Translator.translate(snapshot, FACTS, GatewayRuntime.HOST, memo);
  }

  /** A copy of the snapshot whose last HTTPRoute is a new, equal object (as a re-read file gives). */
  private static ResourceSnapshot withLastRouteCopied(ResourceSnapshot snapshot) {
    List<HTTPRoute> routes = snapshot.list(HTTPRoute.class);
    HTTPRoute last = routes.get(routes.size() - 1);
    ResourceSnapshot.Builder builder = ResourceSnapshot.builder();
    for (HasMetadata r : snapshot.all()) {
      builder.add(r == last ? new HTTPRouteBuilder(last).build() : r);
    }
    return builder.build();
  }

  @Benchmark
  public TranslationResult translate() {
    return Translator.translate(snapshot, FACTS);
  }

  /**
   * What a file change to one route costs in standalone mode: the other routes' outcomes come from
   * the {@link TranslationMemo}. Each call alternates between two snapshots that differ in one
   * HTTPRoute object, so every call has exactly one route to translate.
   */
  @Benchmark
  public TranslationResult translateOneRouteChanged() {
    turn ^= 1;
    return Translator.translate(oneRouteChanged[turn], FACTS, GatewayRuntime.HOST, memo);
  }

  private void check(TranslationResult result) {
    long routes = 0;
    for (Object status : result.statuses().values()) {
      if (status instanceof HTTPRouteStatus s) {
        routes++;
        for (var parent : s.getParents()) {
          if (!Conditions.isTrue(parent.getConditions(), RouteConditionType.ACCEPTED)
              || !Conditions.isTrue(parent.getConditions(), RouteConditionType.RESOLVED_REFS)) {
            throw new IllegalStateException(
                "scenario " + scenario + ": a route is not Accepted: " + parent.getConditions());
          }
        }
      }
    }
    long expected = scenario.startsWith("1000routes") ? 1000 : 10_000;
    if (routes != expected) {
      throw new IllegalStateException(
          "scenario " + scenario + ": " + routes + " route statuses (expected " + expected + ")");
    }
  }
}
