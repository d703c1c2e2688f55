package dev.archway.dataplane.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.archway.dataplane.routing.FilterChain;
import dev.archway.ir.HttpFilter;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProxyHeadersTest {
  @Test
  void aHeaderNamedInASecondConnectionFieldIsDroppedToo() {
    // The first field alone (keep-alive) names no header; the second does.
    HttpResponse in = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    in.headers()
        .add("Connection", "Keep-Alive")
        .add("Connection", "X-Hop")
        .add("X-Hop", "1")
        .add("Content-Length", "0");

    ProxyHeaders.downstreamResponse(in, List.of(), true, true, true);

    assertThat(in.headers().contains("X-Hop")).isFalse();
    assertThat(in.headers().contains("Content-Length")).isTrue();
  }

  @Test
  void dropsHopByHopHeadersIncludingThoseNamedInConnection() {
    HttpRequest in = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
    in.headers()
        .set("Connection", "keep-alive, X-Hop")
        .set("X-Hop", "1")
        .set("Keep-Alive", "timeout=5")
        .set("Upgrade", "websocket")
        .set("TE", "gzip")
        .set("Proxy-Authorization", "secret")
        .set("x-http2-stream-id", "3")
        .set("X-End", "kept");

    HttpRequest out = ProxyHeaders.upstreamRequest(in, "/p?q", "10.0.0.9", List.of());

    assertThat(out.uri()).isEqualTo("/p?q");
    assertThat(out.headers().names())
        .containsExactlyInAnyOrder("X-End", "x-forwarded-for", "x-forwarded-proto");
    assertThat(out.headers().get("x-forwarded-for")).isEqualTo("10.0.0.9");
  }

  @Test
  void keepsTeTrailersWhichGrpcNeeds() {
    HttpRequest in = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/");
    in.headers().set("TE", "trailers").set("Connection", "TE");

    HttpRequest out = ProxyHeaders.upstreamRequest(in, "/", "1.2.3.4", List.of());

    assertThat(out.headers().get("te")).isEqualTo("trailers");
    assertThat(out.headers().contains("connection")).isFalse();
  }

  @Test
  void reframesABodyOfUnknownLengthAsChunked() {
    HttpRequest in = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/");
    in.headers().set(HttpHeaderNames.TRANSFER_ENCODING, "chunked");

    HttpRequest out = ProxyHeaders.upstreamRequest(in, "/", "1.2.3.4", List.of());

    assertThat(out.headers().get(HttpHeaderNames.TRANSFER_ENCODING)).isEqualTo("chunked");
  }

  @Test
  void appendsToForwardedForAndLetsFiltersOverride() {
    HttpRequest in = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
    in.headers().add("X-Forwarded-For", "1.1.1.1").add("X-Forwarded-For", "2.2.2.2");
    FilterChain filters =
        new FilterChain(
            null,
            new HttpFilter.UrlRewrite("rewritten.example.com", null),
            List.of(
                new HttpFilter.RequestHeaderModifier(
                    List.of(new HttpFilter.Header("X-Forwarded-Proto", "https")), null, null)),
            List.of());

    HttpRequest out = ProxyHeaders.upstreamRequest(in, "/", "3.3.3.3", List.of(filters));

    assertThat(out.headers().get("X-Forwarded-For")).isEqualTo("1.1.1.1, 2.2.2.2, 3.3.3.3");
    assertThat(out.headers().get("X-Forwarded-Proto")).isEqualTo("https");
    assertThat(out.headers().get(HttpHeaderNames.HOST)).isEqualTo("rewritten.example.com");
  }

  @Test
  void marksTheResponseWhenTheClientConnectionCloses() {
    HttpResponse in = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    in.headers().set("Connection", "keep-alive").set("Keep-Alive", "timeout=5");

    HttpResponse out = ProxyHeaders.downstreamResponse(in, List.of(), false, true, true);

    assertThat(out.headers().get(HttpHeaderNames.CONNECTION)).isEqualTo("close");
    assertThat(out.headers().contains("Keep-Alive")).isFalse();
    assertThat(out.headers().get(HttpHeaderNames.TRANSFER_ENCODING)).isEqualTo("chunked");
  }

  @Test
  void editsTheClientsHeadOnlyWhenAskedTo() {
    HttpRequest in = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
    in.headers().set("Connection", "keep-alive").set("X-Forwarded-For", "1.1.1.1");

    HttpRequest copy = ProxyHeaders.upstreamRequest(in, "/", "2.2.2.2", "http", List.of(), false);
    assertThat(in.headers().get("X-Forwarded-For")).isEqualTo("1.1.1.1");
    assertThat(in.headers().contains("Connection")).isTrue();

    HttpRequest edited = ProxyHeaders.upstreamRequest(in, "/", "2.2.2.2", "http", List.of(), true);
    assertThat(edited.headers()).isSameAs(in.headers());
    assertThat(in.headers().get("X-Forwarded-For")).isEqualTo("1.1.1.1, 2.2.2.2");
    assertThat(in.headers().contains("Connection")).isFalse();
    assertThat(copy.headers().get("X-Forwarded-For")).isEqualTo("1.1.1.1, 2.2.2.2");
  }
}
