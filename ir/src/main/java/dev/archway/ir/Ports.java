package dev.archway.ir;

/** Port number checks shared by the listener records. */
final class Ports {
  private Ports() {}

  static void check(int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
    }
  }
}
