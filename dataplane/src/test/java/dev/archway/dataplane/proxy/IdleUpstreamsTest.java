package dev.archway.dataplane.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The pool's idle timeout, on an embedded event loop whose clock the test moves: a connection is
 * closed once idle for the timeout and at most a quarter more, the longest idle first, and never
 * while it is out of the pool.
 */
class IdleUpstreamsTest {
  private static final Duration TIMEOUT = Duration.ofMillis(400);
  private static final UpstreamPool.Key KEY =
      new UpstreamPool.Key(InetSocketAddress.createUnresolved("backend", 80), null, false);

  /** Its event loop carries the sweep; its clock is the test's. */
  private final EmbeddedChannel clock = new EmbeddedChannel();

  private final IdleUpstreams idle = new IdleUpstreams(clock.eventLoop(), TIMEOUT, 2);
  private final List<EmbeddedChannel> connections = new ArrayList<>();

  {
    clock.freezeTime(); // only advance() moves it
  }

  @AfterEach
  void tearDown() {
    connections.forEach(EmbeddedChannel::finishAndReleaseAll);
    clock.finishAndReleaseAll();
  }

  @Test
  void aConnectionIsClosedOnceIdleForTheTimeoutAndNotBefore() {
    Channel connection = connection();
    assertThat(idle.offer(KEY, connection)).isTrue();

    advance(TIMEOUT.toMillis());
    assertThat(connection.isOpen()).as("idle for exactly the timeout").isTrue();

    advance(TIMEOUT.toMillis() / 4);
    assertThat(connection.isOpen()).as("idle for a quarter more than the timeout").isFalse();
    assertThat(idle.poll(KEY)).isNull();
  }

  @Test
  void aConnectionTakenFromThePoolIsNotClosedAndIdlesAfreshWhenReturned() {
    Channel connection = connection();
    idle.offer(KEY, connection);
    advance(TIMEOUT.toMillis() - 100);

    assertThat(idle.poll(KEY)).isSameAs(connection);
    advance(TIMEOUT.toMillis() * 3);
    assertThat(connection.isOpen()).as("in use: not the pool's to close").isTrue();

    idle.offer(KEY, connection);
    advance(TIMEOUT.toMillis());
    assertThat(connection.isOpen()).isTrue();
    advance(TIMEOUT.toMillis() / 4);
    assertThat(connection.isOpen()).isFalse();
  }

  @Test
  void theLongestIdleIsClosedFirst() {
    Channel older = connection();
    Channel newer = connection();
    idle.offer(KEY, older);
    advance(200);
    idle.offer(KEY, newer);

    advance(TIMEOUT.toMillis() - 100);
    assertThat(older.isOpen()).isFalse();
    assertThat(newer.isOpen()).isTrue();
    assertThat(idle.poll(KEY)).isSameAs(newer);
  }

  @Test
  void theMostRecentlyReleasedIsReusedFirst() {
    Channel older = connection();
    Channel newer = connection();
    idle.offer(KEY, older);
    idle.offer(KEY, newer);

    assertThat(idle.poll(KEY)).isSameAs(newer);
    assertThat(idle.poll(KEY)).isSameAs(older);
    assertThat(idle.poll(KEY)).isNull();
  }

  @Test
  void noMoreThanTheLimitArePooledPerKey() {
    assertThat(idle.offer(KEY, connection())).isTrue();
    assertThat(idle.offer(KEY, connection())).isTrue();
    assertThat(idle.offer(KEY, connection())).isFalse();
  }

  @Test
  void aConnectionThatClosedUnnoticedDoesNotStopTheSweep() {
    Channel gone = connection();
    Channel next = connection();
    idle.offer(KEY, gone);
    idle.offer(KEY, next);
    gone.close(); // its handler has no pool key here, so nothing removes it

    advance(TIMEOUT.toMillis() + TIMEOUT.toMillis() / 4);
    assertThat(next.isOpen()).isFalse();
  }

  @Test
  void closeAllClosesEveryIdleConnection() {
    Channel one = connection();
    Channel two = connection();
    idle.offer(KEY, one);
    idle.offer(KEY, two);

    idle.closeAll();

    assertThat(one.isOpen()).isFalse();
    assertThat(two.isOpen()).isFalse();
    assertThat(idle.poll(KEY)).isNull();
  }

  /** An open upstream connection as the pool holds one: its pipeline ends in UpstreamHandler. */
  private Channel connection() {
    EmbeddedChannel channel = new EmbeddedChannel(new UpstreamHandler(null));
    connections.add(channel);
    return channel;
  }

  /** Moves the clock in steps of 10 ms, running what falls due, as the event loop would. */
  private void advance(long millis) {
    for (long step = 0; step < millis; step += 10) {
      clock.advanceTimeBy(10, TimeUnit.MILLISECONDS);
      clock.runScheduledPendingTasks();
    }
  }
}
