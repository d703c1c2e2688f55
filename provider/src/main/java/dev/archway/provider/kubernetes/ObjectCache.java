package dev.archway.provider.kubernetes;

import dev.archway.api.snapshot.ResourceKey;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Optional;

/**
 * Objects as the informers last saw them (with status and resourceVersion), so that the status
 * writer can tell that nothing needs writing without a request to the API server.
 */
public interface ObjectCache {
  /** A cache that knows nothing: the status writer then reads every object from the server. */
  ObjectCache NONE =
      new ObjectCache() {
        @Override
        public Optional<HasMetadata> get(ResourceKey key) {
          return Optional.empty();
        }

        @Override
        public List<HasMetadata> list(String kind) {
          return List.of();
        }
      };

  /** The object with this key, if cached. */
  Optional<HasMetadata> get(ResourceKey key);

  /** Every cached object of a kind. */
  List<HasMetadata> list(String kind);
}
