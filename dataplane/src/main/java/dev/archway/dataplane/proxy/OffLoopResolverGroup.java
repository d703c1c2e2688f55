package dev.archway.dataplane.proxy;

import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.InetNameResolver;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/**
 * Resolves the DNS names of endpoints (Backend resources with hostnames) without blocking an event
 * loop: Netty's default resolver calls {@code InetAddress.getByName} on the loop that connects,
 * which would stall every connection of that loop behind a slow DNS server. Here each lookup runs
 * on a virtual thread and the connect continues on its loop when the answer arrives; the JDK's
 * resolver keeps its usual caching and {@code /etc/hosts} handling. IP literals never get here:
 * they are resolved when the route table is compiled.
 */
final class OffLoopResolverGroup extends AddressResolverGroup<InetSocketAddress> {
  private final Executor lookups = Executors.newVirtualThreadPerTaskExecutor();

  @Override
  protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
    return new InetNameResolver(executor) {
      @Override
      protected void doResolve(String host, Promise<InetAddress> promise) {
        lookups.execute(
            () -> {
              try {
                promise.trySuccess(InetAddress.getByName(host));
              } catch (UnknownHostException | RuntimeException e) {
                promise.tryFailure(e);
              }
            });
      }

      @Override
      protected void doResolveAll(String host, Promise<List<InetAddress>> promise) {
        lookups.execute(
            () -> {
              try {
                promise.trySuccess(Arrays.asList(InetAddress.getAllByName(host)));
              } catch (UnknownHostException | RuntimeException e) {
                promise.tryFailure(e);
              }
            });
      }
    }.asAddressResolver();
  }
}
