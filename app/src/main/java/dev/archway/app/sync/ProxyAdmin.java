package dev.archway.app.sync;

import static dev.archway.app.admin.AdminReplies.reply;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.archway.dataplane.DataPlane;
import dev.archway.ir.DataPlaneConfig;
import dev.archway.ir.IrCodec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;

/**
 * The admin API of {@code archway proxy}, and its health port.
 *
 * <p>The admin API: {@code /healthz}; {@code /readyz}, 200 once a configuration is served (it stays
 * so while the controller is unreachable) and 503 while draining; {@code /config}, the
 * configuration served ({@code ?format=json}); {@code /sync}, the version served and whether the
 * stream to the controller is up. It listens on loopback: {@code /config} holds the Gateway's
 * routes and backends (and would hold more as the API grows), so it is read from inside the pod
 * ({@code kubectl exec}, {@code kubectl port-forward}), never from the network.
 *
 * <p>The health port ({@link #startHealth}) serves {@code /healthz} and {@code /readyz} and nothing
 * else, on the pod's address, for the kubelet's probes.
 */
public final class ProxyAdmin implements AutoCloseable {
  private final HttpServer server;

  private ProxyAdmin(HttpServer server) {
    this.server = server;
  }

  /** Starts serving the admin API on {@code address}. */
  public static ProxyAdmin start(InetSocketAddress address, SyncClient client, DataPlane dataPlane)
      throws IOException {
    HttpServer server = health(address, client, dataPlane, "archway-admin");
    server.createContext(
        "/config",
        exchange -> {
          DataPlaneConfig config = client.appliedConfig();
          config = config == null ? DataPlaneConfig.EMPTY : config;
          String query = exchange.getRequestURI().getQuery();
          if (query != null && query.contains("format=json")) {
            reply(exchange, 200, "application/json", IrCodec.toJson(config));
          } else {
            reply(exchange, 200, "application/yaml", IrCodec.toYaml(config));
          }
        });
    server.createContext(
        "/sync",
        exchange ->
            reply(
                exchange,
                200,
                "application/json",
                "{\"version\":"
                    + client.appliedVersion()
                    + ",\"connected\":"
                    + client.connected()
                    + ",\"fullUpdates\":"
                    + client.fullUpdates()
                    + ",\"deltaUpdates\":"
                    + client.deltaUpdates()
                    + ",\"changeUpdates\":"
                    + client.changeUpdates()
                    + "}\n"));
    server.start();
    return new ProxyAdmin(server);
  }

  /**
   * Starts the health port on {@code address}: {@code /healthz} and {@code /readyz} (exact paths),
   * 404 for anything else.
   */
  public static ProxyAdmin startHealth(
      InetSocketAddress address, SyncClient client, DataPlane dataPlane) throws IOException {
    HttpServer server = health(address, client, dataPlane, "archway-health");
    server.createContext("/", exchange -> reply(exchange, 404, "text/plain", "not found\n"));
    server.start();
    return new ProxyAdmin(server);
  }

  private static HttpServer health(
      InetSocketAddress address, SyncClient client, DataPlane dataPlane, String thread)
      throws IOException {
    HttpServer server = HttpServer.create(address, 16);
    server.setExecutor(
        Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name(thread).factory()));
    server.createContext(
        "/healthz",
        exchange -> exact(exchange, "/healthz", () -> reply(exchange, 200, "text/plain", "ok\n")));
    server.createContext(
        "/readyz",
        exchange ->
            exact(
                exchange,
                "/readyz",
                () -> {
                  boolean ready = client.serving() && !dataPlane.draining();
                  reply(
                      exchange, ready ? 200 : 503, "text/plain", ready ? "ready\n" : "not ready\n");
                }));
    return server;
  }

  private interface Reply {
    void send() throws IOException;
  }

  /** The JDK server matches contexts by prefix: {@code /healthzfoo} is not {@code /healthz}. */
  private static void exact(HttpExchange exchange, String path, Reply reply) throws IOException {
    if (exchange.getRequestURI().getPath().equals(path)) {
      reply.send();
    } else {
      reply(exchange, 404, "text/plain", "not found\n");
    }
  }

  /** The address bound. */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
