package dev.archway.dataplane.proxy;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits that protect the listeners from clients, on by default (Envoy's edge recommendations, see
 * perf-reliability.md §5).
 *
 * @param maxInitialLineLength longest HTTP/1 request line; longer answers 414
 * @param maxHeaderSize total bytes of HTTP/1 request headers; more answers 431
 * @param maxHeaderCount most request header fields (HTTP/1 and HTTP/2); more answers 431
 * @param requestHeadersTimeout from the first byte of an HTTP/1 request until its headers are
 *     complete (slowloris); the connection is closed when it passes
 * @param idleTimeout how long a connection may sit without an open request (HTTP/1 keep-alive, or
 *     an HTTP/2 connection without streams) before it is closed
 * @param requestBodyIdleTimeout how long a request body may stall while the proxy is reading it
 * @param maxConcurrentStreams HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS
 * @param maxHeaderListSize HTTP/2 SETTINGS_MAX_HEADER_LIST_SIZE
 * @param maxRstFramesPerWindow HTTP/2 rapid reset (CVE-2023-44487): more RST_STREAM frames from a
 *     client than this within {@code rstWindowSeconds} close the connection
 * @param rstWindowSeconds the window of {@code maxRstFramesPerWindow}
 * @param maxSmallContinuationFrames HTTP/2 CONTINUATION flood: how many small CONTINUATION frames
 *     one header block may have
 */
public record EdgeLimits(
    int maxInitialLineLength,
    int maxHeaderSize,
    int maxHeaderCount,
    Duration requestHeadersTimeout,
    Duration idleTimeout,
    Duration requestBodyIdleTimeout,
    int maxConcurrentStreams,
    int maxHeaderListSize,
    int maxRstFramesPerWindow,
    int rstWindowSeconds,
    int maxSmallContinuationFrames) {
  public EdgeLimits {
    Objects.requireNonNull(requestHeadersTimeout, "requestHeadersTimeout");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(requestBodyIdleTimeout, "requestBodyIdleTimeout");
  }

  /**
   * 8 KiB request line, 60 KiB and 100 headers, 10 s to send headers, 60 s idle, 60 s body stall,
   * 100 streams, 64 KiB header list, 200 resets per 30 s, 16 small CONTINUATION frames.
   */
  public static EdgeLimits defaults() {
    return new EdgeLimits(
        8 * 1024,
        60 * 1024,
        100,
        Duration.ofSeconds(10),
        Duration.ofSeconds(60),
        Duration.ofSeconds(60),
        100,
        64 * 1024,
        200,
        30,
        16);
  }

  public EdgeLimits withTimeouts(Duration requestHeaders, Duration idle, Duration requestBodyIdle) {
    return new EdgeLimits(
        maxInitialLineLength,
        maxHeaderSize,
        maxHeaderCount,
        requestHeaders,
        idle,
        requestBodyIdle,
        maxConcurrentStreams,
        maxHeaderListSize,
        maxRstFramesPerWindow,
        rstWindowSeconds,
        maxSmallContinuationFrames);
  }
}
