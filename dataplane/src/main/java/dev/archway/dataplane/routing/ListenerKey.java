package dev.archway.dataplane.routing;

/**
 * Where a listener binds: the address and the port. Two IR listeners with the same key would
 * compete for one socket.
 */
public record ListenerKey(String bindAddress, int port) {
  @Override
  public String toString() {
    return (bindAddress.contains(":") ? "[" + bindAddress + "]" : bindAddress) + ":" + port;
  }
}
