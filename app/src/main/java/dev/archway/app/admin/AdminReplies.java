package dev.archway.app.admin;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * How the loopback admin endpoints ({@link AdminServer}, the proxy's admin server) answer:
 * read-only, so anything but GET and HEAD is 405; text in UTF-8.
 */
public final class AdminReplies {
  private AdminReplies() {}

  /** Answers {@code exchange} with {@code body} as {@code type}, and closes the exchange. */
  public static void reply(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    try (exchange) {
      if (!exchange.getRequestMethod().equals("GET")
          && !exchange.getRequestMethod().equals("HEAD")) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }
}
