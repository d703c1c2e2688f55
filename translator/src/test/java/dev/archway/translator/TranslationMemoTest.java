package dev.archway.translator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.api.runtime.RuntimeFacts;
import dev.archway.api.snapshot.ResourceSnapshot;
import dev.archway.api.yaml.ManifestLoader;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A translation that reuses a {@link TranslationMemo} gives exactly what a translation without one
 * gives (compared as the goldens print it), for every golden case: with nothing changed, with each
 * resource that is not an HTTPRoute removed in turn (the memo must notice and translate afresh),
 * with an HTTPRoute replaced or removed, and with the clock moved past certificates' expiry.
 */
class TranslationMemoTest {
  private static final Instant LATER = Instant.parse("2150-01-01T00:00:00Z");

  static List<String> cases() throws Exception {
    return GoldenTest.cases().toList();
  }

  private static ResourceSnapshot load(String name) {
    return ManifestLoader.load(
            List.of(
                GoldenTest.BASE, GoldenTest.TLS, GoldenTest.TESTDATA.resolve(name + ".in.yaml")))
        .snapshot();
  }

  private static String fresh(ResourceSnapshot snapshot, RuntimeFacts facts) {
    return GoldenTest.render(Translator.translate(snapshot, facts));
  }

  private static String memoized(
      TranslationMemo memo, ResourceSnapshot snapshot, RuntimeFacts facts) {
    return GoldenTest.render(Translator.translate(snapshot, facts, GatewayRuntime.HOST, memo));
  }

  /** {@code snapshot} with the resources at {@code skip} left out and each other one mapped. */
  private static ResourceSnapshot edited(
      ResourceSnapshot snapshot, int skip, UnaryOperator<HasMetadata> map) {
    ResourceSnapshot.Builder builder = ResourceSnapshot.builder();
    List<HasMetadata> all = snapshot.all();
    for (int i = 0; i < all.size(); i++) {
      if (i != skip) {
        builder.add(map.apply(all.get(i)));
      }
    }
    return builder.build();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void unchangedSnapshotReusesEveryRouteAndGivesTheSameResult(String name) {
    ResourceSnapshot snapshot = load(name);
    RuntimeFacts facts = GoldenTest.factsFor(name);
    TranslationMemo memo = new TranslationMemo();
    String expected = fresh(snapshot, facts);

    assertThat(memoized(memo, snapshot, facts)).isEqualTo(expected);
    assertThat(memo.lastReused()).isZero();
    assertThat(memoized(memo, snapshot, facts)).isEqualTo(expected);
    assertThat(memo.lastReused()).isEqualTo(snapshot.list(HTTPRoute.class).size());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void removingAnyOtherResourceIsNoticed(String name) {
    ResourceSnapshot snapshot = load(name);
    RuntimeFacts facts = GoldenTest.factsFor(name);
    List<HasMetadata> all = snapshot.all();
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i) instanceof HTTPRoute) {
        continue;
      }
      TranslationMemo memo = new TranslationMemo();
      memoized(memo, snapshot, facts);
      ResourceSnapshot without = edited(snapshot, i, r -> r);
      assertThat(memoized(memo, without, facts))
          .as("without %s", all.get(i).getKind() + "/" + all.get(i).getMetadata().getName())
          .isEqualTo(fresh(without, facts));
      assertThat(memo.lastReused()).isZero();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void changedOrRemovedRoutesAreTranslatedAndTheOthersReused(String name) {
    ResourceSnapshot snapshot = load(name);
    RuntimeFacts facts = GoldenTest.factsFor(name);
    List<HasMetadata> all = snapshot.all();
    for (int i = 0; i < all.size(); i++) {
      if (!(all.get(i) instanceof HTTPRoute route)) {
        continue;
      }
      int routes = snapshot.list(HTTPRoute.class).size();
      TranslationMemo memo = new TranslationMemo();
      memoized(memo, snapshot, facts);
      ResourceSnapshot without = edited(snapshot, i, r -> r);
      assertThat(memoized(memo, without, facts))
          .as("without HTTPRoute %s", route.getMetadata().getName())
          .isEqualTo(fresh(without, facts));
      assertThat(memo.lastReused()).isEqualTo(routes - 1);

      // The same route as a new object with a new generation: translated again, not reused.
      HTTPRoute changed =
          new HTTPRouteBuilder(route)
              .editMetadata()
              .withGeneration(
                  route.getMetadata().getGeneration() == null
                      ? 7L
                      : route.getMetadata().getGeneration() + 1)
              .endMetadata()
              .build();
      ResourceSnapshot replaced = edited(snapshot, -1, r -> r == route ? changed : r);
      memoized(memo, snapshot, facts);
      assertThat(memoized(memo, replaced, facts))
          .as("HTTPRoute %s changed", route.getMetadata().getName())
          .isEqualTo(fresh(replaced, facts));
      assertThat(memo.lastReused()).isEqualTo(routes - 1);
    }
  }

  /**
   * The controller skips changes to Services and Namespaces nothing looked up: a translation that
   * reused routes must still list what they looked up when they were translated.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void lookupsCoverWhatAFreshTranslationLooksUp(String name) {
    ResourceSnapshot snapshot = load(name);
    RuntimeFacts facts = GoldenTest.factsFor(name);
    for (HTTPRoute route : snapshot.list(HTTPRoute.class)) {
      TranslationMemo memo = new TranslationMemo();
      Translator.translate(snapshot, facts, GatewayRuntime.HOST, memo);
      ResourceSnapshot without = edited(snapshot, snapshot.all().indexOf(route), r -> r);
      for (ResourceSnapshot next : List.of(without, snapshot)) {
        TranslationResult reusing = Translator.translate(next, facts, GatewayRuntime.HOST, memo);
        assertThat(reusing.lookups())
            .as("after HTTPRoute %s left and came back", route.getMetadata().getName())
            .containsAll(Translator.translate(next, facts).lookups());
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void movingTheClockPastCertificateExpiryIsNoticed(String name) {
    ResourceSnapshot snapshot = load(name);
    RuntimeFacts facts = GoldenTest.factsFor(name);
    RuntimeFacts later = facts.withNow(LATER);
    TranslationMemo memo = new TranslationMemo();
    memoized(memo, snapshot, facts);
    assertThat(memoized(memo, snapshot, later)).isEqualTo(fresh(snapshot, later));
    assertThat(memoized(memo, snapshot, facts)).isEqualTo(fresh(snapshot, facts));
  }
}
