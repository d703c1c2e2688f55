package dev.archway.dataplane.proxy;

import dev.archway.dataplane.routing.ListenerKey;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * The downstream pipelines after the protocol is known (cleartext prior knowledge, or ALPN after
 * TLS), with the edge limits of {@link ProxyContext#limits()} applied:
 *
 * <pre>
 * HTTP/1.1: GatheredFlushes → Http1ServerCodec (decoder, encoder) → Http1TimeoutHandler
 *             → HttpServerExpectContinueHandler → ProxyHandler
 * HTTP/2:   Http2FrameCodec → GatheredFlushes → (Http2ConnectionWindow, gone once added)
 *             → Http2MultiplexHandler → IdleStateHandler → Http2DrainHandler
 *             per stream: Http2StreamFrameToHttpObjectCodec → Http2StreamIdleHandler → ProxyHandler
 * </pre>
 */
public final class ServerPipelines {
  /**
   * At most this many flushes of a connection are held back before one is written. Every HTTP
   * connection of the data plane, client or upstream, HTTP/1.1 or HTTP/2, gathers its flushes until
   * the event loop has handled the I/O at hand: a response is written in its upstream's read event
   * and a request in its client's, so flushing at once woke the peer on the other CPU once per
   * message; gathered, the writes of one event-loop turn go out back to back, after the loop's
   * reads (measured in docs/benchmarks.md, <i>Flushes gathered per event-loop turn</i>).
   */
  static final int FLUSHES_BEFORE_WRITE = 64;

  private ServerPipelines() {}

  /** Appends the HTTP/1.1 handlers. */
  public static void http1(ChannelPipeline pipeline, ProxyContext proxy, ListenerKey listener) {
    pipeline.addLast(gatheredFlushes());
    pipeline.addLast(Http1ServerCodec.handlers(proxy.limits()));
    pipeline.addLast(new Http1TimeoutHandler(proxy.limits()));
    pipeline.addLast(new HttpServerExpectContinueHandler());
    pipeline.addLast(new ProxyHandler(proxy, listener, false));
  }

  /**
   * Appends the HTTP/2 handlers. The limits are explicit rather than Netty's defaults: concurrent
   * streams and header list size are advertised in SETTINGS; RST_STREAM frames from the client are
   * counted per window (Rapid Reset, CVE-2023-44487) and so are resets the server is made to send
   * (MadeYouReset, CVE-2025-55163); small CONTINUATION frames are capped (CVE-2026-33871); queued
   * control frames (SETTINGS/PING floods) are bounded.
   */
  public static void http2(ChannelPipeline pipeline, ProxyContext proxy, ListenerKey listener) {
    EdgeLimits limits = proxy.limits();
    Http2Settings settings =
        Http2Settings.defaultSettings()
            .maxConcurrentStreams(limits.maxConcurrentStreams())
            .maxHeaderListSize(limits.maxHeaderListSize())
            .initialWindowSize(64 * 1024 - 1);
    Http2StreamIdGuard guard = new Http2StreamIdGuard();
    Http2FrameCodec codec =
        Http2FrameCodecBuilder.forServer()
            .frameLogger(guard)
            .initialSettings(settings)
            .validateHeaders(true)
            .validateRequiredPseudoHeaders(true)
            .decoderEnforceMaxRstFramesPerWindow(
                limits.maxRstFramesPerWindow(), limits.rstWindowSeconds())
            .encoderEnforceMaxRstFramesPerWindow(
                limits.maxRstFramesPerWindow(), limits.rstWindowSeconds())
            .decoderEnforceMaxSmallContinuationFrames(limits.maxSmallContinuationFrames())
            .encoderEnforceMaxQueuedControlFrames(1000)
            .decoderEnforceMaxConsecutiveEmptyDataFrames(2)
            .gracefulShutdownTimeoutMillis(proxy.drainTimeout().toMillis())
            .build();
    guard.connection(codec.connection());
    pipeline.addLast(codec);
    // Responses of a connection's streams arrive from different upstream connections, each in its
    // own read event; flushing each on its own cost a write system call per response. Gathered
    // above the codec rather than below it, a stream's flush does not even reach the codec, whose
    // flush runs the connection's flow controller over every stream with data: once per event-loop
    // turn instead of once per response. The codec's own flush after a read goes straight out.
    pipeline.addLast(gatheredFlushes());
    pipeline.addLast(new Http2ConnectionWindow());
    pipeline.addLast(new Http2MultiplexHandler(new Http2StreamInitializer(proxy, listener)));
    pipeline.addLast(
        new IdleStateHandler(0, 0, limits.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
    pipeline.addLast(new Http2DrainHandler());
  }

  /** Holds a connection's flushes until the event loop has handled the I/O at hand. */
  static GatheredFlushes gatheredFlushes() {
    return new GatheredFlushes(FLUSHES_BEFORE_WRITE);
  }
}
