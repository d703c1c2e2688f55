package dev.archway.dataplane.proxy;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayList;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.RejectedExecutionException;

/**
 * Holds a connection's flushes until its event loop has handled the I/O at hand, then writes them
 * (see {@link ServerPipelines#FLUSHES_BEFORE_WRITE} for why). The rule is that of Netty's {@code
 * FlushConsolidationHandler} with consolidation outside reads: a flush during the connection's own
 * read waits for the end of that read; a flush at another time (a response written in its
 * upstream's read event, a request in its client's) waits for the loop's task queue, after the
 * turn's I/O. What differs is the cost of that wait: Netty's handler submits a task with a future
 * for each connection, twice an exchange for a proxy (one for the request's connection, one for the
 * response's). Here every connection of a loop that waits is put on one list of that loop, and one
 * task, its runnable made once per loop, writes them all: in a turn that serves eleven exchanges,
 * one task instead of twenty-two, and nothing allocated.
 *
 * <p>After {@link ServerPipelines#FLUSHES_BEFORE_WRITE} held flushes a connection writes at once,
 * so a long read does not hold a growing backlog. Closing, a failure, the connection's writability
 * falling and the handler's removal write what is held first.
 */
final class GatheredFlushes extends ChannelDuplexHandler {
  /**
   * The loop's waiting connections, found by the event executor the connection runs on. In the
   * gateway each thread is one event loop; tests run several embedded loops on one thread, each of
   * which runs only its own tasks, so the list is the executor's, not the thread's. Weak keys: an
   * embedded loop that a test drops takes its list with it.
   */
  private static final FastThreadLocal<Map<EventExecutor, Waiting>> WAITING =
      new FastThreadLocal<>() {
        @Override
        protected Map<EventExecutor, Waiting> initialValue() {
          return new WeakHashMap<>();
        }
      };

  private final int flushesBeforeWrite;
  private ChannelHandlerContext ctx;
  private Waiting waiting;
  private int heldFlushes;
  private boolean readInProgress;
  private boolean onWaitingList;

  GatheredFlushes(int flushesBeforeWrite) {
    if (flushesBeforeWrite <= 0) {
      throw new IllegalArgumentException("flushesBeforeWrite: " + flushesBeforeWrite);
    }
    this.flushesBeforeWrite = flushesBeforeWrite;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.waiting = WAITING.get().computeIfAbsent(ctx.executor(), Waiting::new);
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    if (++heldFlushes >= flushesBeforeWrite) {
      writeHeld();
    } else if (!readInProgress && !onWaitingList) {
      onWaitingList = true;
      waiting.add(this);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    readInProgress = true;
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    readInProgress = false;
    writeHeldIfAny();
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (!ctx.channel().isWritable()) {
      // Held bytes count against the write buffer already; waiting longer only delays them.
      writeHeldIfAny();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    writeHeldIfAny();
    ctx.fireExceptionCaught(cause);
  }

  @Override
  public void disconnect(ChannelHandlerContext ctx, ChannelPromise promise) {
    writeHeldIfAny();
    ctx.disconnect(promise);
  }

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    writeHeldIfAny();
    ctx.close(promise);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    writeHeldIfAny();
  }

  /** Called by the loop's task: the turn's I/O is done. */
  private void turnEnded() {
    onWaitingList = false;
    // A read that began since the flush ends with a write of its own (channelReadComplete).
    if (!readInProgress) {
      writeHeldIfAny();
    }
  }

  private void writeHeldIfAny() {
    if (heldFlushes > 0) {
      writeHeld();
    }
  }

  private void writeHeld() {
    heldFlushes = 0;
    ctx.flush();
  }

  /** One event loop's connections with flushes waiting for the end of the turn. */
  private static final class Waiting implements Runnable {
    private final EventExecutor loop;
    private ArrayList<GatheredFlushes> connections = new ArrayList<>();
    private ArrayList<GatheredFlushes> spare = new ArrayList<>();

    Waiting(EventExecutor loop) {
      this.loop = loop;
    }

    void add(GatheredFlushes connection) {
      connections.add(connection);
      if (connections.size() == 1) {
        try {
          loop.execute(this);
        } catch (RejectedExecutionException shuttingDown) {
          // No later turn to wait for: write now rather than hold the bytes forever.
          run();
        }
      }
    }

    @Override
    public void run() {
      // A connection's write can make another connection flush (a relay writing on), which then
      // joins a fresh list and a fresh task rather than the one being walked.
      ArrayList<GatheredFlushes> due = connections;
      connections = spare;
      for (int i = 0; i < due.size(); i++) {
        due.get(i).turnEnded();
      }
      due.clear();
      spare = due;
    }
  }
}
