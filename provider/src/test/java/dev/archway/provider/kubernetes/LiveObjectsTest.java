package dev.archway.provider.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.api.snapshot.ResourceKey;
import dev.archway.api.snapshot.ResourceSnapshot;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LiveObjectsTest {
  private final Random random = new Random(5);
  private final LiveObjects live = new LiveObjects();

  /** What the provider holds, kept apart: each snapshot must be a build of exactly these. */
  private final Map<ResourceKey, HasMetadata> expected = new HashMap<>();

  private HasMetadata randomObject() {
    ObjectMeta metadata =
        new ObjectMetaBuilder()
            .withName("o" + random.nextInt(40))
            .withNamespace("ns" + random.nextInt(3))
            .addToLabels("v", "v" + random.nextInt(1000))
            .build();
    return switch (random.nextInt(3)) {
      case 0 -> new HTTPRouteBuilder().withMetadata(metadata).build();
      case 1 -> new ServiceBuilder().withMetadata(metadata).build();
      default -> {
        metadata.setNamespace(null); // cluster-scoped
        yield new GatewayClassBuilder().withMetadata(metadata).build();
      }
    };
  }

  private void randomChange() {
    HasMetadata object = randomObject();
    ResourceKey key = ResourceKey.of(object);
    if (random.nextInt(4) == 0) {
      assertThat(live.remove(key)).isSameAs(expected.remove(key));
    } else {
      assertThat(live.put(key, object)).isSameAs(expected.put(key, object));
    }
  }

  private void assertHoldsExactlyTheExpected(ResourceSnapshot snapshot) {
    ResourceSnapshot built = ResourceSnapshot.builder().addAll(expected.values()).build();
    assertThat(snapshot.byType()).isEqualTo(built.byType());
    assertThat(snapshot.all()).containsExactlyInAnyOrderElementsOf(built.all());
    for (HasMetadata object : expected.values()) {
      // The same objects, not equal copies: the translator reuses its work for unchanged objects.
      assertThat(snapshot.sameAs(object)).isSameAs(object);
    }
  }

  /**
   * Random puts and removes (objects added, replaced, removed, re-added, removed again) between
   * snapshots: each snapshot, updated from the one before, holds what a build of every object
   * holds.
   */
  @Test
  void eachSnapshotHoldsWhatABuildOfEveryObjectHolds() {
    for (int step = 0; step < 300; step++) {
      int changes = random.nextInt(10) == 0 ? 0 : 1 + random.nextInt(random.nextBoolean() ? 3 : 60);
      for (int i = 0; i < changes; i++) {
        randomChange();
      }
      assertHoldsExactlyTheExpected(live.snapshot());
    }
  }

  @Test
  void moreChangesThanTheIncrementalLimitBuildTheSnapshotAgain() {
    live.snapshot();
    for (int i = 0; i <= LiveObjects.MAX_INCREMENTAL; i++) {
      HasMetadata object =
          new ServiceBuilder()
              .withNewMetadata()
              .withNamespace("a")
              .withName("s" + i)
              .endMetadata()
              .build();
      live.put(ResourceKey.of(object), object);
      expected.put(ResourceKey.of(object), object);
    }
    assertHoldsExactlyTheExpected(live.snapshot());
    randomChange();
    assertHoldsExactlyTheExpected(live.snapshot());
  }
}
