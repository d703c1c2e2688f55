package dev.archway.dataplane.routing;

/**
 * A configuration the data plane refuses as a whole; the message names the field, the value and
 * what was expected, e.g. {@code gateways[0].httpListeners[0].virtualHosts[0].routes[2].match.path:
 * [a-z (expected: a valid regular expression)}.
 */
public final class InvalidConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InvalidConfigException(String message) {
    super(message);
  }

  public InvalidConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
