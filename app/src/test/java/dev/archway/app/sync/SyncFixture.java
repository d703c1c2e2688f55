package dev.archway.app.sync;

import dev.archway.dataplane.DataPlane;
import dev.archway.dataplane.DataPlaneOptions;
import dev.archway.echo.EchoServer;
import dev.archway.ir.DataPlaneConfig;
import dev.archway.ir.IrCodec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/** A sync server, proxies with their own data planes, and echo backends, all on loopback. */
final class SyncFixture implements AutoCloseable {
  static final String GATEWAY = "default/gw";
  static final Backoff FAST = new Backoff(Duration.ofMillis(50), Duration.ofMillis(400));

  final CertificateAuthority ca =
      CertificateAuthority.create("archway-sync-test", Clock.systemUTC());
  final Path dir;
  final int gatewayPort;
  SyncServer server;
  int syncPort;
  private final List<AutoCloseable> closeables = new ArrayList<>();

  SyncFixture(Path dir) throws IOException {
    this.dir = dir;
    this.gatewayPort = freePort();
    startServer(0);
  }

  void startServer(int port) throws IOException {
    server =
        SyncServer.start(
            new InetSocketAddress("127.0.0.1", port),
            ca,
            List.of("localhost", "127.0.0.1"),
            Duration.ofDays(1));
    syncPort = server.port();
  }

  /**
   * A proxy for {@link #GATEWAY} serving on {@code bindAddress}, with a certificate from the CA.
   */
  Proxy proxy(String name, String bindAddress) {
    Path tls = dir.resolve(name);
    ca.writeProxyFiles(tls, GATEWAY, Duration.ofDays(1));
    return proxy(name, bindAddress, tls);
  }

  Proxy proxy(String name, String bindAddress, Path tls) {
    DataPlane dataPlane = DataPlane.start(DataPlaneOptions.defaults().withWorkers(1));
    SyncClient client =
        SyncClient.start(
            new SyncClient.Settings("127.0.0.1:" + syncPort, GATEWAY, name, tls, FAST, bindAddress),
            dataPlane);
    Proxy proxy = new Proxy(name, bindAddress, dataPlane, client);
    closeables.add(proxy);
    return proxy;
  }

  EchoServer echo(String name) {
    EchoServer echo = EchoServer.start(name, new InetSocketAddress("127.0.0.1", 0));
    closeables.add(echo);
    return echo;
  }

  /** One HTTP listener on {@link #gatewayPort}, everything to {@code service/default/web/80}. */
  DataPlaneConfig config(String method, EchoServer... backends) {
    StringBuilder yaml =
        new StringBuilder(
            """
            gateways:
            - name: gateway/default/gw
              bindAddress: 127.0.0.1
              httpListeners:
              - name: gateway/default/gw/port/%d
                port: %d
                protocol: HTTP
                virtualHosts:
                - name: gateway/default/gw/listener/http
                  hostname: '*'
                  routes:
                  - name: httproute/default/web/rule/0/match/0
                    hostname: '*'
                    match:
                      path:
                        type: PATH_PREFIX
                        value: /
                      %s
                    backends:
                    - destination: service/default/web/80
                      weight: 1
            - name: gateway/default/other
              bindAddress: 127.0.0.1
            destinations:
            - name: service/default/unused/80
              protocol: HTTP1
            - name: service/default/web/80
              protocol: HTTP1
              endpoints:
            """
                .formatted(
                    gatewayPort, gatewayPort, method == null ? "" : "method: '" + method + "'"));
    for (EchoServer backend : backends) {
      yaml.append("  - address: 127.0.0.1\n    port: ").append(backend.port()).append('\n');
    }
    return IrCodec.fromYaml(yaml.toString());
  }

  @Override
  public void close() {
    for (AutoCloseable c : closeables.reversed()) {
      try {
        c.close();
      } catch (Exception e) {
        throw new IllegalStateException("closing " + c, e);
      }
    }
    if (server != null) {
      server.close();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** An {@code archway proxy} in this process. */
  record Proxy(String name, String bindAddress, DataPlane dataPlane, SyncClient client)
      implements AutoCloseable {
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** The backend's name for {@code GET /}, or the status code when it is not 200. */
    String get(int port) {
      try {
        HttpResponse<String> response =
            HTTP.send(
                HttpRequest.newBuilder(URI.create("http://" + bindAddress + ":" + port + "/"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
          return String.valueOf(response.statusCode());
        }
        return JSON.readTree(response.body()).path("pod").asString();
      } catch (IOException e) {
        return e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return e.toString();
      }
    }

    @Override
    public void close() {
      client.close();
      dataPlane.close();
    }
  }
}
