package dev.archway.app;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** One line for a command's error output that names the cause, not only the outermost wrapper. */
final class ErrorMessages {

  private ErrorMessages() {}

  /**
   * The messages of an exception and its causes, outermost first, joined with ": ". The Kubernetes
   * client wraps a refused connection as "An error has occurred.", which alone tells a user
   * nothing; a message that only repeats the one inside it is left out, and a cause without a
   * message is named by its class.
   */
  static String withCauses(Throwable error) {
    List<String> parts = new ArrayList<>();
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    for (Throwable t = error; t != null && seen.put(t, Boolean.TRUE) == null; t = t.getCause()) {
      String message = t.getMessage();
      String part = message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
      if (parts.isEmpty() || !parts.getLast().contains(part)) {
        parts.add(part);
      }
    }
    return String.join(": ", parts);
  }
}
