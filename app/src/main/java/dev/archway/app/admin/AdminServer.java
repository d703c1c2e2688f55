package dev.archway.app.admin;

import static dev.archway.app.admin.AdminReplies.reply;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.archway.api.yaml.ResourceWriter;
import dev.archway.app.runtime.StatusStore;
import dev.archway.ir.IrCodec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API.
 *
 * <ul>
 *   <li>{@code GET /healthz}: 200 while the process runs.
 *   <li>{@code GET /readyz}: 200 once a configuration is being served, 503 before and while
 *       draining.
 *   <li>{@code GET /status}: every resource with its status ({@code ?format=json} for JSON).
 *   <li>{@code GET /config}: the data plane configuration in force ({@code ?format=json}).
 * </ul>
 *
 * <p>It binds to loopback unless told otherwise, because it reveals the whole configuration and has
 * no authentication; it never shares a port with user traffic.
 */
public final class AdminServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

  private final HttpServer server;

  private AdminServer(HttpServer server) {
    this.server = server;
  }

  /** Starts serving on {@code address}. */
  public static AdminServer start(
      InetSocketAddress address, StatusStore statuses, BooleanSupplier ready) throws IOException {
    if (!address.getAddress().isLoopbackAddress()) {
      LOG.warn("admin API on {} is reachable from other hosts and has no authentication", address);
    }
    HttpServer server = HttpServer.create(address, 16);
    server.setExecutor(
        Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("archway-admin").factory()));
    server.createContext("/healthz", exchange -> reply(exchange, 200, "text/plain", "ok\n"));
    server.createContext(
        "/readyz",
        exchange -> {
          boolean isReady = ready.getAsBoolean();
          reply(exchange, isReady ? 200 : 503, "text/plain", isReady ? "ready\n" : "not ready\n");
        });
    server.createContext(
        "/status",
        exchange -> {
          var resources = statuses.view().resources();
          if (wantsJson(exchange)) {
            reply(exchange, 200, "application/json", ResourceWriter.toJson(resources));
          } else {
            reply(exchange, 200, "application/yaml", ResourceWriter.toYamlDocuments(resources));
          }
        });
    server.createContext(
        "/config",
        exchange -> {
          var config = statuses.view().config();
          if (wantsJson(exchange)) {
            reply(exchange, 200, "application/json", IrCodec.toJson(config));
          } else {
            reply(exchange, 200, "application/yaml", IrCodec.toYaml(config));
          }
        });
    server.start();
    return new AdminServer(server);
  }

  /** The address actually bound (useful when the port was 0). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  private static boolean wantsJson(HttpExchange exchange) {
    String query = exchange.getRequestURI().getQuery();
    return query != null && query.contains("format=json");
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
