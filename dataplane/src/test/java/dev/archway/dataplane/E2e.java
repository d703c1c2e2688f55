package dev.archway.dataplane;

import dev.archway.echo.EchoServer;
import dev.archway.ir.Destination;
import dev.archway.ir.Endpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Helpers for end-to-end tests over real sockets on 127.0.0.1. */
public final class E2e {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private E2e() {}

  /** A port that was free a moment ago (bound to 0, then released). */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static EchoServer echo(String name) {
    return EchoServer.start(name, "default", name, new InetSocketAddress("127.0.0.1", 0));
  }

  /** A destination whose endpoints are the given echo servers. */
  public static Destination destination(String name, EchoServer... servers) {
    return new Destination(
        name,
        Destination.AppProtocol.HTTP1,
        Arrays.stream(servers).map(s -> new Endpoint("127.0.0.1", s.port())).toList());
  }

  public static DataPlane dataPlane() {
    return DataPlane.start(
        DataPlaneOptions.defaults().withWorkers(2).withDrainTimeout(Duration.ofSeconds(5)));
  }

  public static HttpClient http1() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  public static HttpRequest.Builder request(int port, String host, String pathAndQuery) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
            .timeout(Duration.ofSeconds(10));
    if (host != null) {
      builder.header("Host", host);
    }
    return builder;
  }

  public static HttpResponse<String> send(HttpClient client, HttpRequest.Builder request) {
    try {
      return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static JsonNode json(String body) {
    return JSON.readTree(body);
  }
}
