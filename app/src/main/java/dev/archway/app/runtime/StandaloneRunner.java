package dev.archway.app.runtime;

import dev.archway.api.runtime.RuntimeFacts;
import dev.archway.api.snapshot.ResourceSnapshot;
import dev.archway.api.yaml.LoadResult;
import dev.archway.api.yaml.ManifestException;
import dev.archway.dataplane.ApplyResult;
import dev.archway.dataplane.DataPlane;
import dev.archway.ir.DataPlaneConfig;
import dev.archway.translator.GatewayRuntime;
import dev.archway.translator.TranslationMemo;
import dev.archway.translator.TranslationResult;
import dev.archway.translator.Translator;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Standalone mode's pipeline: each snapshot from the file provider is translated, applied to the
 * in-process data plane, and published with its statuses.
 *
 * <p>The data plane's bind results are runtime facts: when they differ from the facts the
 * translation used, the snapshot is translated again so that {@code Programmed} tells the truth. A
 * snapshot the data plane rejects leaves the previous configuration serving.
 *
 * <p>Statuses are rendered and logged on a thread of their own, after the configuration is served:
 * at 10,000 routes the first rendering takes seconds, and a file change made meanwhile must not
 * wait for it. Only the newest result is rendered; one that a newer result overtook is skipped.
 */
public final class StandaloneRunner {
  private static final Logger LOG = LoggerFactory.getLogger(StandaloneRunner.class);

  private final DataPlane dataPlane;
  private final StatusStore statuses;
  private final Clock clock;
  private final CertificateClock certificateClock;
  private final Set<String> reportedWarnings = new HashSet<>();
  private ResourceSnapshot current;
  private RuntimeFacts facts = RuntimeFacts.NONE;
  // Unchanged HTTPRoutes are not translated again; statuses are only read after translation here.
  private final TranslationMemo memo = new TranslationMemo();
  private volatile boolean serving;
  private final AtomicReference<Rendering> pending = new AtomicReference<>();
  private final ExecutorService renderer =
      Executors.newSingleThreadExecutor(
          Thread.ofPlatform().daemon().name("archway-statuses").factory());
  // The fields below belong to the renderer thread.
  private Map<String, List<String>> lastSummary = Map.of();
  private Map<String, JsonNode> lastStatuses = Map.of();
  private Set<String> reportedProblems = Set.of();

  /** Past this, a change is summarized by a count; {@code archway status} has the rest. */
  private static final int MAX_SUMMARY_LINES = 60;

  public StandaloneRunner(DataPlane dataPlane, StatusStore statuses, Clock clock) {
    this.dataPlane = Objects.requireNonNull(dataPlane, "dataPlane");
    this.statuses = Objects.requireNonNull(statuses, "statuses");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.certificateClock = new CertificateClock(clock);
  }

  /** Whether a configuration has been applied and is being served. */
  public boolean serving() {
    return serving;
  }

  /** Takes a newly loaded set of manifests. */
  public synchronized void loaded(LoadResult result) {
    for (String warning : result.warnings()) {
      // Unknown kinds are reported once, not on every reload.
      if (reportedWarnings.add(warning)) {
        LOG.warn("{}", warning);
      }
    }
    ResourceSnapshot snapshot = result.snapshot();
    if (current != null && current.all().equals(snapshot.all())) {
      return;
    }
    apply(snapshot);
  }

  /** A certificate expired or became valid: the same manifests, translated at the new time. */
  private synchronized void certificatesChanged() {
    if (current != null) {
      LOG.info("a certificate expired or became valid: translating the configuration again");
      apply(current);
    }
  }

  /** Reports manifests that could not be read; the previous configuration keeps serving. */
  public synchronized void failed(ManifestException error) {
    LOG.error("{}", error.getMessage());
    if (current != null) {
      LOG.error("configuration not changed: the last good configuration keeps serving");
    }
  }

  private void apply(ResourceSnapshot snapshot) {
    long started = System.nanoTime();
    // Certificates are checked for expiry against the time of this translation.
    RuntimeFacts factsNow = facts.withNow(clock.instant());
    TranslationResult result = Translator.translate(snapshot, factsNow, GatewayRuntime.HOST, memo);
    long translated = System.nanoTime();
    // Counted now: a second translation below (new runtime facts) would reuse every route.
    int reusedRoutes = memo.lastReused();
    int routes = memo.lastTotal();
    ApplyResult applied;
    try {
      applied = dataPlane.apply(result.config());
    } catch (RuntimeException e) {
      LOG.error(
          "configuration rejected, the last good configuration keeps serving: {}", e.toString());
      return;
    }
    current = snapshot;
    serving = true;
    certificateClock.arm(snapshot, factsNow.now(), this::certificatesChanged);
    long served = System.nanoTime();
    RuntimeFacts observed = RuntimeFactsCollector.from(applied);
    if (!observed.equals(facts)) {
      facts = observed;
      result =
          Translator.translate(snapshot, facts.withNow(factsNow.now()), GatewayRuntime.HOST, memo);
    }
    pending.set(
        new Rendering(
            snapshot, result, new Timings(started, translated, served, reusedRoutes, routes)));
    renderer.execute(this::renderNewest);
  }

  /** A served configuration whose statuses are still to be published. */
  private record Rendering(ResourceSnapshot snapshot, TranslationResult result, Timings timings) {}

  private void renderNewest() {
    Rendering rendering = pending.getAndSet(null);
    if (rendering == null) {
      return; // a newer result was rendered by an earlier task
    }
    try {
      StatusStore.View view =
          statuses.publish(rendering.snapshot(), rendering.result(), clock.instant());
      printSummary(view, rendering.timings());
    } catch (RuntimeException e) {
      LOG.error("statuses could not be rendered; the configuration is served", e);
    }
  }

  /** Where an apply's time went, for the summary line: operators see what a change costs. */
  private record Timings(long started, long translated, long served, int reusedRoutes, int routes) {
    @Override
    public String toString() {
      long now = System.nanoTime();
      return "in %d ms (translation %d ms with %d of %d HTTPRoutes unchanged, data plane %d ms, then statuses %d ms)"
          .formatted(
              millis(started, now),
              millis(started, translated),
              reusedRoutes,
              routes,
              millis(translated, served),
              millis(served, now));
    }

    private static long millis(long from, long to) {
      return (to - from) / 1_000_000;
    }
  }

  /**
   * Logs what changed: the status lines of each resource whose status is new or different, and
   * problems not reported before. With thousands of routes, a change to one of them prints a few
   * lines, not the whole configuration ({@code archway status} shows everything).
   */
  private void printSummary(StatusStore.View view, Timings timings) {
    // A status node published again unchanged is the same object (StatusStore reuses it): its lines
    // are those of last time.
    Map<String, List<String>> blocks = new LinkedHashMap<>();
    view.statuses()
        .forEach(
            (name, status) ->
                blocks.put(
                    name,
                    status == lastStatuses.get(name)
                        ? lastSummary.get(name)
                        : StatusSummary.block(name, status)));
    List<String> changed = new ArrayList<>();
    blocks.forEach(
        (name, lines) -> {
          if (!lines.equals(lastSummary.get(name))) {
            changed.addAll(lines);
          }
        });
    long removed = lastSummary.keySet().stream().filter(k -> !blocks.containsKey(k)).count();
    StringBuilder summary =
        new StringBuilder("configuration applied ").append(timings).append(": ");
    DataPlaneConfig config = view.config();
    summary
        .append(config.gateways().size())
        .append(" gateways, ")
        .append(blocks.size())
        .append(" resources with status, ")
        .append(changed.isEmpty() ? "no status changed" : "status changed:");
    changed.stream()
        .limit(MAX_SUMMARY_LINES)
        .forEach(line -> summary.append(System.lineSeparator()).append("  ").append(line));
    if (changed.size() > MAX_SUMMARY_LINES) {
      summary
          .append(System.lineSeparator())
          .append("  ... ")
          .append(changed.size() - MAX_SUMMARY_LINES)
          .append(" more lines (archway status shows every status)");
    }
    if (removed > 0) {
      summary.append(System.lineSeparator()).append("  ").append(removed).append(" removed");
    }
    LOG.info("{}", summary);
    lastSummary = blocks;
    lastStatuses = view.statuses();

    int shown = 0;
    Set<String> problems = new HashSet<>(view.problems());
    for (String problem : view.problems()) {
      if (!reportedProblems.contains(problem) && shown++ < MAX_SUMMARY_LINES) {
        LOG.warn("not accepted: {}", problem);
      }
    }
    if (shown > MAX_SUMMARY_LINES) {
      LOG.warn("... and {} more not accepted (archway status)", shown - MAX_SUMMARY_LINES);
    }
    reportedProblems = problems;
  }
}
