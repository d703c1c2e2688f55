package dev.archway.app.runtime;

import dev.archway.api.runtime.RuntimeFacts;
import dev.archway.dataplane.ApplyResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Turns what the data plane reported after an apply into the translator's runtime facts. */
final class RuntimeFactsCollector {
  private static final String GATEWAY_PREFIX = "gateway/";

  private RuntimeFactsCollector() {}

  /**
   * Listener errors pass straight through. A Gateway reports the address its listeners are bound
   * to, once at least one of them is bound.
   */
  static RuntimeFacts from(ApplyResult applied) {
    Map<String, List<String>> addresses = new TreeMap<>();
    for (ApplyResult.ListenerStatus listener : applied.listeners()) {
      if (!listener.bound()) {
        continue;
      }
      String gateway = gatewayOf(listener.name());
      List<String> list = addresses.computeIfAbsent(gateway, g -> new ArrayList<>());
      if (!list.contains(listener.bindAddress())) {
        list.add(listener.bindAddress());
      }
    }
    return new RuntimeFacts(applied.listenerErrors(), addresses);
  }

  /** {@code gateway/<ns>/<name>/port/<port>} to {@code <ns>/<name>}. */
  private static String gatewayOf(String listenerName) {
    String rest =
        listenerName.startsWith(GATEWAY_PREFIX)
            ? listenerName.substring(GATEWAY_PREFIX.length())
            : listenerName;
    int port = rest.indexOf("/port/");
    return port < 0 ? rest : rest.substring(0, port);
  }
}
