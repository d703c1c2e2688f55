package dev.archway.translator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.api.runtime.RuntimeFacts;
import dev.archway.api.snapshot.ResourceSnapshot;
import dev.archway.api.yaml.ManifestLoader;
import dev.archway.ir.DataPlaneConfig;
import dev.archway.ir.Destination;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The endpoint fast path gives what a full translation gives when only EndpointSlices changed. */
class EndpointRefreshTest {
  private static final Path TESTDATA = Path.of("src/test/resources/testdata");

  private static ResourceSnapshot load(String name) {
    return ManifestLoader.load(
            List.of(TESTDATA.resolve("base/base.yaml"), TESTDATA.resolve(name + ".in.yaml")))
        .snapshot();
  }

  /** {@code snapshot} with its EndpointSlices replaced by {@code slices}. */
  private static ResourceSnapshot withSlices(ResourceSnapshot snapshot, EndpointSlice... slices) {
    ResourceSnapshot.Builder builder = ResourceSnapshot.builder();
    for (HasMetadata resource : snapshot.all()) {
      if (!(resource instanceof EndpointSlice)) {
        builder.add(resource);
      }
    }
    return builder.addAll(List.of(slices)).build();
  }

  private static DataPlaneConfig translated(ResourceSnapshot snapshot) {
    return Translator.translate(snapshot, RuntimeFacts.NONE).config();
  }

  private static Destination destination(DataPlaneConfig config, String name) {
    return config.destinations().stream()
        .filter(d -> d.name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void refreshedEndpointsEqualAFullTranslation() {
    ResourceSnapshot before = load("httproute-simple-same-namespace");
    DataPlaneConfig config = translated(before);
    EndpointSlice web1 = before.find(EndpointSlice.class, "default", "web-1").orElseThrow();
    // web-1: the not-ready endpoint became ready, another went away; web-2 was deleted.
    EndpointSlice changed = new EndpointSliceBuilder(web1).build();
    changed.getEndpoints().removeFirst();
    changed.getEndpoints().getLast().getConditions().setReady(true);
    List<EndpointSlice> others =
        before.list(EndpointSlice.class).stream()
            .filter(
                s -> !s.getMetadata().getLabels().get("kubernetes.io/service-name").equals("web"))
            .toList();
    ResourceSnapshot after = withSlices(before, concat(others, changed));

    DataPlaneConfig refreshed = Translator.refreshEndpoints(config, after);

    assertThat(refreshed).isEqualTo(translated(after)).isNotEqualTo(config);
    assertThat(destination(refreshed, "service/default/web/80").endpoints())
        .extracting(e -> e.address() + ":" + e.port())
        .containsExactly("10.0.0.1:8080", "10.0.0.9:8080");
    assertThat(refreshed.gateways()).isSameAs(config.gateways());
  }

  @Test
  void unchangedEndpointsGiveTheSameConfiguration() {
    ResourceSnapshot snapshot = load("httproute-simple-same-namespace");
    DataPlaneConfig config = translated(snapshot);
    assertThat(Translator.refreshEndpoints(config, snapshot)).isSameAs(config);
  }

  private static EndpointSlice[] concat(List<EndpointSlice> slices, EndpointSlice one) {
    List<EndpointSlice> all = new java.util.ArrayList<>(slices);
    all.add(one);
    return all.toArray(EndpointSlice[]::new);
  }
}
