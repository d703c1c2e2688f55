package dev.archway.dataplane.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * When {@link GatheredFlushes} lets a connection's writes out, on embedded channels whose event
 * loops run their tasks when the test says: a flush outside a read waits for the loop's tasks, one
 * during a read for the read's end, the 64th goes at once, and closing or a full write buffer
 * writes what is held. Between the gatherer and the channel's own end sits a {@link Socket} that
 * keeps what is written and sends it at a flush: Netty's embedded channel runs its loop's tasks
 * after every write or flush that reaches it, which would let the gatherer's task run early.
 */
class GatheredFlushesTest {
  private static final String CLOSED = "(closed)";

  private final List<EmbeddedChannel> channels = new ArrayList<>();

  @AfterEach
  void tearDown() {
    channels.forEach(EmbeddedChannel::finishAndReleaseAll);
  }

  @Test
  void aFlushOutsideAReadWaitsForTheLoopsTasks() {
    Socket socket = new Socket();
    EmbeddedChannel channel = connection(socket);
    channel.pipeline().writeAndFlush("response");
    assertThat(socket.sent).as("before the loop's tasks").isEmpty();

    channel.runPendingTasks();
    assertThat(socket.sent).containsExactly("response");
  }

  @Test
  void flushesOutsideAReadGoOutTogetherInOneWrite() {
    Socket socket = new Socket();
    EmbeddedChannel channel = connection(socket);
    channel.pipeline().writeAndFlush("one");
    channel.pipeline().writeAndFlush("two");
    channel.pipeline().writeAndFlush("three");

    channel.runPendingTasks();
    assertThat(socket.sent).containsExactly("one", "two", "three");
    assertThat(socket.flushes).isEqualTo(1);
  }

  @Test
  void aFlushDuringTheConnectionsReadWaitsForTheReadsEndNotForTheLoopsTasks() {
    Socket socket = new Socket();
    EmbeddedChannel channel = connection(socket);
    channel.pipeline().fireChannelRead("request");
    channel.pipeline().writeAndFlush("response");
    channel.runPendingTasks();
    assertThat(socket.sent).as("the read has not ended").isEmpty();

    channel.pipeline().fireChannelReadComplete();
    assertThat(socket.sent).containsExactly("response");
  }

  @Test
  void theLastOfTheFlushesAllowedToWaitGoesAtOnce() {
    Socket socket = new Socket();
    EmbeddedChannel channel = connection(socket);
    for (int i = 1; i < ServerPipelines.FLUSHES_BEFORE_WRITE; i++) {
      channel.pipeline().writeAndFlush(i);
    }
    assertThat(socket.sent).isEmpty();

    channel.pipeline().writeAndFlush(ServerPipelines.FLUSHES_BEFORE_WRITE);
    assertThat(socket.sent).hasSize(ServerPipelines.FLUSHES_BEFORE_WRITE);
  }

  @Test
  void eachLoopWritesItsOwnConnectionsOnly() {
    // Two embedded loops on the test's thread, as the gateway never has: each list belongs to the
    // loop, so neither loop's task writes the other's connection, nor waits for it.
    Socket firstSocket = new Socket();
    Socket secondSocket = new Socket();
    EmbeddedChannel first = connection(firstSocket);
    EmbeddedChannel second = connection(secondSocket);
    first.pipeline().writeAndFlush("first");
    second.pipeline().writeAndFlush("second");

    first.runPendingTasks();
    assertThat(firstSocket.sent).containsExactly("first");
    assertThat(secondSocket.sent).isEmpty();

    second.runPendingTasks();
    assertThat(secondSocket.sent).containsExactly("second");
  }

  @Test
  void aFlushMadeWhileTheHeldOnesAreWrittenIsWrittenTooNotLost() {
    // The first write to reach the socket makes one more (a relay writing on as its peer's bytes
    // go out).
    Socket socket =
        new Socket() {
          @Override
          public void flush(ChannelHandlerContext ctx) {
            super.flush(ctx);
            if (flushes == 1) {
              ctx.pipeline().writeAndFlush("written on");
            }
          }
        };
    EmbeddedChannel channel = connection(socket);
    channel.pipeline().writeAndFlush("first");

    channel.runPendingTasks();
    assertThat(socket.sent).containsExactly("first", "written on");
  }

  @Test
  void closingWritesWhatIsHeldFirst() {
    Socket socket = new Socket();
    EmbeddedChannel channel = connection(socket);
    channel.pipeline().writeAndFlush("last words");
    channel.pipeline().close();
    assertThat(socket.sent).containsExactly("last words", CLOSED);
  }

  @Test
  void aWriteBufferGoingFullWritesWhatIsHeld() {
    Socket socket = new Socket();
    EmbeddedChannel channel = connection(socket);
    channel.pipeline().writeAndFlush("held");
    assertThat(socket.sent).isEmpty();

    // Unwritable now: the held flush goes out at once, though no task has run.
    channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
    assertThat(channel.isWritable()).isFalse();
    channel.pipeline().fireChannelWritabilityChanged();
    assertThat(socket.sent).containsExactly("held");
  }

  private EmbeddedChannel connection(Socket socket) {
    EmbeddedChannel channel =
        new EmbeddedChannel(socket, new GatheredFlushes(ServerPipelines.FLUSHES_BEFORE_WRITE));
    channels.add(channel);
    return channel;
  }

  /**
   * The socket end of a connection: keeps what is written, sends it at a flush, and counts the
   * flushes that reach it. Nothing goes on to the embedded channel.
   */
  private static class Socket extends ChannelOutboundHandlerAdapter {
    final List<Object> sent = new ArrayList<>();
    private final List<Object> written = new ArrayList<>();
    int flushes;

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      written.add(msg);
      promise.trySuccess();
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
      flushes++;
      sent.addAll(written);
      written.clear();
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
      sent.add(CLOSED);
      ctx.close(promise);
    }
  }
}
