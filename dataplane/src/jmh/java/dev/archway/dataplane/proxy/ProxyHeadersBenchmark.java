package dev.archway.dataplane.proxy;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The header work of one proxied HTTP/1.1 exchange ({@link ProxyHeaders}): the request head made
 * for the upstream and the response head made for the client, from heads decoded by Netty's own
 * decoders, as the proxy gets them. {@code wrk} is the bench's request (Host only), {@code browser}
 * a browser-like one with eight fields; the response is nginx's, with Connection: keep-alive. Each
 * invocation first copies the decoded head (the proxy edits heads in place), so the figures include
 * one copy.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ProxyHeadersBenchmark {
  static final String WRK = "GET /svc/0/hello HTTP/1.1\r\nHost: 127.0.0.1:20000\r\n\r\n";
  static final String BROWSER =
      "GET /svc/0/hello?q=1 HTTP/1.1\r\n"
          + "Host: app.example.com\r\n"
          + "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n"
          + "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
          + "Accept-Language: en-US,en;q=0.5\r\n"
          + "Accept-Encoding: gzip, deflate, br\r\n"
          + "Connection: keep-alive\r\n"
          + "Cookie: session=0123456789abcdef\r\n"
          + "Upgrade-Insecure-Requests: 1\r\n\r\n";
  static final String NGINX =
      "HTTP/1.1 200 OK\r\n"
          + "Server: nginx/1.22.1\r\n"
          + "Date: Sun, 29 Nov 2026 21:00:00 GMT\r\n"
          + "Content-Type: text/plain\r\n"
          + "Content-Length: 29\r\n"
          + "Connection: keep-alive\r\n\r\n";

  @Param({"wrk", "browser"})
  public String client;

  private HttpRequest request;
  private HttpResponse response;

  @Setup
  public void decode() {
    request = decoded(new EmbeddedChannel(new HttpRequestDecoder()), client.equals("wrk") ? WRK : BROWSER);
    response = decoded(new EmbeddedChannel(new HttpResponseDecoder()), NGINX);
  }

  static <T extends HttpMessage> T decoded(EmbeddedChannel channel, String head) {
    channel.writeInbound(Unpooled.copiedBuffer(head, StandardCharsets.ISO_8859_1));
    @SuppressWarnings("unchecked")
    T message = (T) channel.readInbound();
    Object rest;
    while ((rest = channel.readInbound()) != null) {
      ReferenceCountUtil.release(rest);
    }
    channel.finishAndReleaseAll();
    return message;
  }

  @Benchmark
  public HttpRequest upstreamRequest() {
    HttpRequest head =
        new DefaultHttpRequest(
            request.protocolVersion(), request.method(), request.uri(), request.headers().copy());
    return ProxyHeaders.upstreamRequest(head, "/svc/0/hello", "127.0.0.1", "http", List.of(), true);
  }

  @Benchmark
  public HttpResponse downstreamResponse() {
    HttpResponse head =
        new DefaultHttpResponse(
            response.protocolVersion(), response.status(), response.headers().copy());
    return ProxyHeaders.downstreamResponse(head, List.of(), true, true, true);
  }
}
