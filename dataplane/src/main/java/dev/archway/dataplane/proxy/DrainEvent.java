package dev.archway.dataplane.proxy;

/**
 * Fired down a downstream connection's pipeline when its listener goes away or the data plane
 * stops: finish what is in flight, accept nothing new, then close.
 */
public final class DrainEvent {
  public static final DrainEvent INSTANCE = new DrainEvent();

  private DrainEvent() {}
}
