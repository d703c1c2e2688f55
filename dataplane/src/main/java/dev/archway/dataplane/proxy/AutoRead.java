package dev.archway.dataplane.proxy;

import io.netty.channel.Channel;

/** Turns a channel's reading on or off, for the per-request path. */
final class AutoRead {
  private AutoRead() {}

  /**
   * Sets {@code channel}'s auto-read to {@code on} when it differs: Netty's setter is an atomic
   * swap even when nothing changes, and the proxy sets it several times a request.
   */
  static void set(Channel channel, boolean on) {
    if (channel.config().isAutoRead() != on) {
      channel.config().setAutoRead(on);
    }
  }
}
