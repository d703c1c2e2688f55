package dev.archway.ir;

import java.util.Objects;

/**
 * One address to send requests to.
 *
 * @param address an IP address or a DNS name
 * @param port the TCP port
 */
public record Endpoint(String address, int port) {
  public Endpoint {
    Objects.requireNonNull(address, "address");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
    }
  }
}
