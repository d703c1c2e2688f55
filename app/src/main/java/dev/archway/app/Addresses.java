package dev.archway.app;

import java.net.InetSocketAddress;

/** Parses {@code HOST:PORT} command-line values. */
final class Addresses {
  private Addresses() {}

  /** {@code 127.0.0.1:19000}, {@code [::1]:19000} or {@code localhost:19000}. */
  static InetSocketAddress parse(String value, String option) {
    int colon = value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw new IllegalArgumentException(option + ": " + value + " (expected: HOST:PORT)");
    }
    String host = value.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(value.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + ": " + value + " (expected: HOST:PORT)", e);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(option + ": port " + port + " (expected: 0-65535)");
    }
    return new InetSocketAddress(host, port);
  }
}
