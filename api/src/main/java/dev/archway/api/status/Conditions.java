package dev.archway.api.status;

import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Builds and reads fabric8 {@link Condition}s from the typed enums of this package.
 *
 * <p>Conditions built here carry {@code observedGeneration} (the spec requires it on every
 * condition a controller writes) but no {@code lastTransitionTime}: whoever writes the status
 * compares with the stored conditions and stamps the time, so that computing a status needs no
 * clock.
 */
public final class Conditions {
  /** Orders conditions by type, so that a status prints the same way every time. */
  public static final Comparator<Condition> BY_TYPE = Comparator.comparing(Condition::getType);

  private Conditions() {}

  /**
   * A condition.
   *
   * @param observedGeneration the {@code metadata.generation} of the object the status belongs to
   */
  public static Condition create(
      ConditionType type,
      ConditionStatus status,
      ConditionReason reason,
      String message,
      Long observedGeneration) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(reason, "reason");
    Condition condition = new Condition();
    condition.setType(type.value());
    condition.setStatus(status.value());
    condition.setReason(reason.value());
    condition.setMessage(Objects.requireNonNullElse(message, ""));
    condition.setObservedGeneration(observedGeneration);
    return condition;
  }

  /** A condition that is {@code True} or {@code False}. */
  public static Condition create(
      ConditionType type,
      boolean status,
      ConditionReason reason,
      String message,
      Long observedGeneration) {
    return create(type, ConditionStatus.of(status), reason, message, observedGeneration);
  }

  /** The condition of a type, if present. */
  public static Optional<Condition> find(Collection<Condition> conditions, ConditionType type) {
    if (conditions == null) {
      return Optional.empty();
    }
    // A loop, not a stream: this runs for every condition of every status on each change (three
    // times per route at 10,000 routes), and the stream allocated five objects per call.
    String value = type.value();
    for (Condition c : conditions) {
      if (value.equals(c.getType())) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  /** Whether the condition of a type is present with status {@code True}. */
  public static boolean isTrue(Collection<Condition> conditions, ConditionType type) {
    return find(conditions, type)
        .map(c -> ConditionStatus.TRUE.value().equals(c.getStatus()))
        .orElse(false);
  }

  /** A copy sorted by type. */
  public static List<Condition> sortedByType(Collection<Condition> conditions) {
    List<Condition> sorted = new ArrayList<>(conditions);
    sorted.sort(BY_TYPE);
    return sorted;
  }
}
