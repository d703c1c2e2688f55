package dev.archway.dataplane.tls;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * What the handshake decided for a connection, kept on the connection's channel for the handlers
 * behind it: the HTTP proxy reads it to answer 421 when a request's Host belongs to another Gateway
 * listener than the SNI chose (GatewayHTTPSListenerDetectMisdirectedRequests), and to tell
 * upstreams the client used https.
 *
 * @param virtualHost the IR name of the Gateway listener chosen by SNI
 * @param sni the server name the client sent, lower case, or null
 */
public record TlsSession(String virtualHost, String sni) {
  private static final AttributeKey<TlsSession> KEY = AttributeKey.valueOf("archway.tls");

  /** Records the session on a connection. */
  public void attach(Channel connection) {
    connection.attr(KEY).set(this);
  }

  /**
   * The session of the connection that {@code channel} belongs to (an HTTP/2 stream's parent
   * connection, or the channel itself), or null for a plaintext connection.
   */
  public static TlsSession of(Channel channel) {
    for (Channel c = channel; c != null; c = c.parent()) {
      // hasAttr first: attr() would add an empty attribute to every HTTP/2 stream channel asked.
      if (c.hasAttr(KEY)) {
        TlsSession session = c.attr(KEY).get();
        if (session != null) {
          return session;
        }
      }
    }
    return null;
  }

  /**
   * Whether a request whose Host selects {@code hostVirtualHost} (an IR virtual host name, or null
   * when it selects none) was sent to the wrong listener: one of the same port that the SNI did not
   * choose. A Host that selects no listener is not misdirected; it is simply not found.
   */
  public boolean misdirected(String hostVirtualHost) {
    return hostVirtualHost != null && !hostVirtualHost.equals(virtualHost);
  }
}
