package dev.archway.provider.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Gives resources read from the API server the shape the same manifests have when read from files,
 * so that the translator (and its output) cannot tell the providers apart, and so that what the API
 * server changes on its own does not count as a change.
 *
 * <p>Kept: everything the translator may read, including {@code generation} (observedGeneration),
 * {@code creationTimestamp} (route precedence) and {@code uid}. Dropped: {@code managedFields},
 * {@code resourceVersion}, {@code selfLink}, kubectl's last-applied annotation, and the status of
 * kinds whose status Archway writes (it is Archway's output, not input, and dropping it keeps
 * Archway's own writes from triggering another translation).
 */
final class Normalizer {
  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  private static final Map<Class<?>, Method> SET_STATUS = new ConcurrentHashMap<>();

  private final KubernetesSerialization serialization;

  Normalizer(KubernetesSerialization serialization) {
    this.serialization = serialization;
  }

  /** A normalized deep copy; the informer's object is left untouched. */
  <T extends HasMetadata> T normalize(T resource, WatchedKind kind) {
    T copy = serialization.clone(resource);
    ObjectMeta meta = copy.getMetadata();
    meta.setManagedFields(null);
    meta.setResourceVersion(null);
    meta.setSelfLink(null);
    if (meta.getAnnotations() != null && meta.getAnnotations().containsKey(LAST_APPLIED)) {
      Map<String, String> annotations = new HashMap<>(meta.getAnnotations());
      annotations.remove(LAST_APPLIED);
      meta.setAnnotations(annotations.isEmpty() ? null : annotations);
    }
    if (kind.statusOwned()) {
      clearStatus(copy);
    }
    return copy;
  }

  private static void clearStatus(HasMetadata resource) {
    Method setter =
        SET_STATUS.computeIfAbsent(
            resource.getClass(),
            type -> {
              for (Method m : type.getMethods()) {
                if (m.getName().equals("setStatus") && m.getParameterCount() == 1) {
                  return m;
                }
              }
              throw new IllegalStateException(type.getName() + " has no setStatus");
            });
    try {
      setter.invoke(resource, (Object) null);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("clearing the status of " + resource.getKind(), e);
    }
  }
}
