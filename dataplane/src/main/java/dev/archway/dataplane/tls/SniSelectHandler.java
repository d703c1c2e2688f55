package dev.archway.dataplane.tls;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.AbstractSniHandler;
import io.netty.util.concurrent.Future;
import java.util.function.Function;

/**
 * Reads the ClientHello without answering it, picks what serves the connection by its SNI, and
 * hands over to {@link Selected}, which replaces this handler: with an {@code SslHandler} to
 * terminate, or with a relay for passthrough. The ClientHello bytes read so far stay buffered and
 * reach whatever comes next, so a passthrough backend sees the connection from its first byte.
 *
 * <p>The choice is made per connection from the configuration current at accept, so a rotated
 * certificate is used from the next handshake on while existing connections keep theirs. A
 * ClientHello that does not complete within the handshake timeout closes the connection.
 *
 * @param <T> the choice
 */
public final class SniSelectHandler<T> extends AbstractSniHandler<T> {
  /** Installs the pipeline for a chosen target. */
  @FunctionalInterface
  public interface Selected<T> {
    /**
     * Replaces {@code sni} (the handler's context) with what serves the connection.
     *
     * @param hostname the SNI (lower case), or null when the client sent none
     */
    void install(ChannelHandlerContext sni, String hostname, T choice);
  }

  private final Function<String, T> select;
  private final Selected<T> selected;

  /**
   * @param select the choice for an SNI (null when the client sent none); null closes the
   *     connection
   */
  public SniSelectHandler(
      long handshakeTimeoutMillis, Function<String, T> select, Selected<T> selected) {
    super(handshakeTimeoutMillis);
    this.select = select;
    this.selected = selected;
  }

  @Override
  protected Future<T> lookup(ChannelHandlerContext ctx, String hostname) {
    return ctx.executor().newSucceededFuture(select.apply(hostname));
  }

  @Override
  protected void onLookupComplete(ChannelHandlerContext ctx, String hostname, Future<T> future) {
    T choice = future.isSuccess() ? future.getNow() : null;
    if (choice == null) {
      // No listener or route for this server name (or no SNI and no catch-all): close, as the
      // Gateway API asks for TLS listeners; for HTTPS the client sees a failed handshake.
      ctx.close();
      return;
    }
    selected.install(ctx, hostname == null ? null : SniRouter.normalize(hostname), choice);
  }
}
