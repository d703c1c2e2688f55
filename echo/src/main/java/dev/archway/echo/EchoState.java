package dev.archway.echo;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What one echo server remembers across connections: every request head it accepted (tests of a
 * proxy assert what reached the backend, and what never did) and the per-{@code uuid} attempt
 * counters of {@code /retry}.
 */
final class EchoState {
  private final ConcurrentLinkedQueue<String> requests = new ConcurrentLinkedQueue<>();
  private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

  /** Records an accepted request head as {@code METHOD uri}. */
  void accepted(String method, String uri) {
    requests.add(method + " " + uri);
  }

  List<String> requests() {
    return List.copyOf(requests);
  }

  /** Counts an attempt of {@code /retry} for {@code uuid}; returns the number before this one. */
  int attempt(String uuid) {
    return attempts.computeIfAbsent(uuid, u -> new AtomicInteger()).getAndIncrement();
  }
}
