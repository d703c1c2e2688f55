package dev.archway.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The passes of {@link LeaderWork}, observed through what they were given. Each test ends by
 * submitting a last state and waiting for it: the work's one thread runs in order, so everything
 * before it has run by then, and a pass that should not have happened would show in the list.
 */
class LeaderWorkTest {
  private static final Duration NO_RESYNC = Duration.ofHours(1);

  private final List<String> passes = new CopyOnWriteArrayList<>();
  private final AtomicInteger forgets = new AtomicInteger();

  private LeaderWork<String> work(Duration resync, LeaderWork.Pass<String> pass) {
    return new LeaderWork<>("test-leader-work", resync, pass, forgets::incrementAndGet);
  }

  private LeaderWork<String> recording(Duration resync) {
    return work(resync, s -> passes.add(s));
  }

  private void awaitPasses(String... expected) {
    await()
        .atMost(10, TimeUnit.SECONDS)
        .untilAsserted(() -> assertThat(passes).containsExactly(expected));
  }

  @Test
  void nothingRunsUntilLeadingThenTheNewestStateDoes() {
    try (LeaderWork<String> work = recording(NO_RESYNC)) {
      work.submit("a");
      work.submit("b");
      assertThat(work.isLeader()).isFalse();
      work.setLeader(true);
      awaitPasses("b");
      work.submit("c");
      awaitPasses("b", "c");
      assertThat(forgets).hasValue(1);
    }
  }

  @Test
  void statesSubmittedDuringAPassCollapseIntoTheNewest() throws InterruptedException {
    CountDownLatch inFirst = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    LeaderWork.Pass<String> pass =
        s -> {
          passes.add(s);
          if (s.equals("a")) {
            inFirst.countDown();
            await().atMost(10, TimeUnit.SECONDS).until(() -> release.getCount() == 0);
          }
          return true;
        };
    try (LeaderWork<String> work = work(NO_RESYNC, pass)) {
      work.setLeader(true);
      work.submit("a");
      assertThat(inFirst.await(10, TimeUnit.SECONDS)).isTrue();
      work.submit("b");
      work.submit("c");
      work.submit("d");
      release.countDown();
      awaitPasses("a", "d");
      work.submit("e");
      awaitPasses("a", "d", "e");
    }
  }

  @Test
  void aFailedPassRunsAgainWithoutANewSubmission() {
    AtomicInteger calls = new AtomicInteger();
    LeaderWork.Pass<String> failsOnce =
        s -> {
          passes.add(s);
          return calls.incrementAndGet() > 1;
        };
    try (LeaderWork<String> work = work(NO_RESYNC, failsOnce)) {
      work.setLeader(true);
      work.submit("a");
      awaitPasses("a", "a");
      work.submit("b");
      awaitPasses("a", "a", "b");
    }
  }

  @Test
  void aResyncForgetsAndRunsThePassAgain() {
    try (LeaderWork<String> work = recording(Duration.ofMillis(50))) {
      work.setLeader(true);
      work.submit("a");
      await()
          .atMost(10, TimeUnit.SECONDS)
          .untilAsserted(
              () -> {
                assertThat(passes).hasSizeGreaterThanOrEqualTo(3).containsOnly("a");
                assertThat(forgets.get()).isGreaterThanOrEqualTo(3);
              });
    }
  }

  @Test
  void losingLeadershipStopsThePasses() {
    try (LeaderWork<String> work = recording(NO_RESYNC)) {
      work.setLeader(true);
      work.submit("a");
      awaitPasses("a");
      work.setLeader(false);
      work.submit("b");
      // The pass "b" was scheduled for must have found this replica not leading before it leads
      // again; otherwise that pass and the one leading schedules would both run "b".
      await()
          .during(Duration.ofMillis(300))
          .atMost(2, TimeUnit.SECONDS)
          .until(() -> passes.equals(List.of("a")));
      work.setLeader(true);
      awaitPasses("a", "b");
      work.submit("c");
      awaitPasses("a", "b", "c");
      assertThat(forgets).hasValue(2);
    }
  }

  @Test
  void closedWorkAcceptsCallsAndRunsNothing() {
    LeaderWork<String> work = recording(NO_RESYNC);
    work.close();
    work.setLeader(true);
    work.submit("a");
    // Anything still running would pass or forget within these 300 ms (every other test here
    // sees its pass in a few).
    await()
        .during(Duration.ofMillis(300))
        .atMost(2, TimeUnit.SECONDS)
        .until(() -> passes.isEmpty() && forgets.get() == 0);
  }
}
