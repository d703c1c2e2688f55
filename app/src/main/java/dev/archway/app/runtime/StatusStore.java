package dev.archway.app.runtime;

import dev.archway.api.snapshot.ResourceKey;
import dev.archway.api.snapshot.ResourceSnapshot;
import dev.archway.api.yaml.ResourceWriter;
import dev.archway.ir.DataPlaneConfig;
import dev.archway.translator.TranslationResult;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The statuses and configuration currently in force, as the admin API and the terminal summary show
 * them. Each {@link #publish} replaces the whole view at once, stamping condition times against the
 * previous view.
 */
public final class StatusStore {
  /**
   * One published state.
   *
   * <p>The resources are kept as the objects they were loaded as, with their stamped status, and
   * rendered as trees only when {@link #resources()} is called (the admin API): kept as trees, the
   * specs of 10,000 routes held about 25 MB of JSON nodes that only {@code archway status} reads.
   */
  public static final class View {
    static final View EMPTY = new View(List.of(), Map.of(), DataPlaneConfig.EMPTY, List.of());

    private final List<Rendered> rendered;
    private final Map<String, JsonNode> statuses;
    private final DataPlaneConfig config;
    private final List<String> problems;

    private View(
        List<Rendered> rendered,
        Map<String, JsonNode> statuses,
        DataPlaneConfig config,
        List<String> problems) {
      this.rendered = rendered;
      this.statuses = statuses;
      this.config = config;
      this.problems = problems;
    }

    /** Every resource in load order, as a Kubernetes object carrying its status; built anew. */
    public List<JsonNode> resources() {
      List<JsonNode> trees = new ArrayList<>(rendered.size());
      for (Rendered r : rendered) {
        trees.add(r.tree());
      }
      return trees;
    }

    /** The statuses Archway computed, keyed by {@code Kind/namespace/name}, sorted. */
    public Map<String, JsonNode> statuses() {
      return statuses;
    }

    /** The data plane configuration in force. */
    public DataPlaneConfig config() {
      return config;
    }

    /** One line per owned resource that is not fully accepted. */
    public List<String> problems() {
      return problems;
    }
  }

  /** Classes first, then Gateways, then what attaches to them, as a reader walks the tree. */
  private static final List<String> KIND_ORDER =
      List.of(
          "GatewayClass",
          "Gateway",
          "ListenerSet",
          "HTTPRoute",
          "GRPCRoute",
          "TLSRoute",
          "TCPRoute",
          "UDPRoute",
          "BackendTLSPolicy");

  public static final Comparator<ResourceKey> SUMMARY_ORDER =
      Comparator.comparingInt((ResourceKey k) -> kindRank(k.kind()))
          .thenComparing(Comparator.naturalOrder());

  /**
   * The keys of {@code map}, in their natural order (kind, namespace, name), put in {@link
   * #SUMMARY_ORDER} without comparing them again: the keys of a kind are together already, so each
   * kind's run goes to the place of its kind (10,000 route statuses were sorted again on every
   * change).
   */
  static List<ResourceKey> inSummaryOrder(SortedMap<ResourceKey, ?> map) {
    Set<ResourceKey> keys = map.keySet();
    if (map.comparator() != null) {
      return keys.stream().sorted(SUMMARY_ORDER).toList();
    }
    List<List<ResourceKey>> byRank = new ArrayList<>();
    for (int i = 0; i <= KIND_ORDER.size(); i++) {
      byRank.add(new ArrayList<>());
    }
    String kind = null;
    List<ResourceKey> run = null;
    for (ResourceKey key : keys) {
      if (!key.kind().equals(kind)) {
        kind = key.kind();
        run = byRank.get(kindRank(kind));
      }
      run.add(key);
    }
    List<ResourceKey> ordered = new ArrayList<>(keys.size());
    byRank.forEach(ordered::addAll);
    return ordered;
  }

  private static int kindRank(String kind) {
    int rank = KIND_ORDER.indexOf(kind);
    return rank < 0 ? KIND_ORDER.size() : rank;
  }

  /**
   * What {@link #publish} made of one resource: reused while the resource is the same object (the
   * providers hand out the same instance until it changes) and its computed status is equal. With
   * 10,000 routes, rebuilding, serializing and stamping every one on each change cost about a
   * second of CPU per change; a change now costs in proportion to what it changed.
   *
   * @param stamped the status published for it, with condition times, or null
   * @param keptTree the whole resource as rendered, kept only when it cannot be rebuilt from the
   *     resource and {@code stamped} (a computed status that renders as nothing); otherwise null
   */
  private record Rendered(
      HasMetadata resource, Object status, JsonNode stamped, JsonNode keptTree) {
    JsonNode tree() {
      if (keptTree != null) {
        return keptTree;
      }
      JsonNode rendered = ResourceWriter.toTree(resource);
      if (stamped != null) {
        ((ObjectNode) rendered).set("status", stamped);
      }
      return rendered;
    }
  }

  private volatile View view = View.EMPTY;
  private Map<String, Rendered> rendered = Map.of();

  /** The view published last. */
  public View view() {
    return view;
  }

  /** Publishes the result of translating {@code snapshot}; returns the new view. */
  public synchronized View publish(
      ResourceSnapshot snapshot, TranslationResult result, Instant now) {
    String timestamp = now.truncatedTo(ChronoUnit.SECONDS).toString();
    View previous = view;
    List<Rendered> published = new ArrayList<>();
    Map<String, JsonNode> statuses = new LinkedHashMap<>();
    for (ResourceKey key : inSummaryOrder(result.statuses())) {
      statuses.put(key.toString(), null);
    }
    // Looked up once per resource: hashing a key is cheaper than the sorted map's comparisons.
    Map<ResourceKey, Object> computed = new HashMap<>(result.statuses());
    Map<String, Rendered> renderedNow = new HashMap<>();
    for (HasMetadata resource : snapshot.all()) {
      ResourceKey resourceKey = ResourceKey.of(resource);
      String key = resourceKey.toString();
      Object status = computed.get(resourceKey);
      Rendered before = rendered.get(key);
      Rendered latest =
          before != null && before.resource() == resource && Objects.equals(before.status(), status)
              ? before
              : render(resource, status, result, previous.statuses().get(key), timestamp);
      if (latest.stamped() != null) {
        statuses.put(key, latest.stamped());
      }
      published.add(latest);
      renderedNow.put(key, latest);
    }
    rendered = renderedNow;
    statuses.values().removeIf(s -> s == null);
    View next =
        new View(
            Collections.unmodifiableList(published),
            Collections.unmodifiableMap(statuses),
            result.config(),
            result.problems());
    view = next;
    return next;
  }

  private static Rendered render(
      HasMetadata resource,
      Object status,
      TranslationResult result,
      JsonNode previousStatus,
      String timestamp) {
    if (status == null) {
      return new Rendered(resource, null, null, null);
    }
    JsonNode tree = ResourceWriter.toTree(result.withStatus(resource));
    if (!tree.has("status")) {
      return new Rendered(resource, status, null, tree);
    }
    JsonNode stamped = tree.get("status");
    ConditionTimes.stamp(stamped, previousStatus, timestamp);
    return new Rendered(resource, status, stamped, null);
  }

  /** Every resource as a Kubernetes object with its computed status, without condition times. */
  public static List<JsonNode> resourcesWithStatus(
      ResourceSnapshot snapshot, TranslationResult result) {
    List<JsonNode> resources = new ArrayList<>();
    for (HasMetadata resource : snapshot.all()) {
      resources.add(ResourceWriter.toTree(result.withStatus(resource)));
    }
    return resources;
  }
}
