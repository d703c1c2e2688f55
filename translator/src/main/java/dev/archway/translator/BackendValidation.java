package dev.archway.translator;

import static dev.archway.translator.ResourceIndex.nonNull;

import dev.archway.api.v1alpha1.Backend;
import dev.archway.api.v1alpha1.BackendEndpoint;
import dev.archway.api.v1alpha1.SocketAddressSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks an Archway {@code Backend} (archway.dev/v1alpha1): at least one endpoint, each with
 * exactly one of {@code ip} (an IPv4 or IPv6 literal) and {@code fqdn} (a DNS name without
 * wildcard), and a port 1-65535. A Backend with a malformed endpoint is not used at all, rather
 * than served with the endpoints that happen to be right: the routes that refer to it say which
 * field is wrong, and its share of requests fails.
 */
final class BackendValidation {
  private static final Pattern IPV4 =
      Pattern.compile(
          "^(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}$");
  private static final Pattern IPV6_CHARACTERS = Pattern.compile("^[0-9A-Fa-f:.]+$");
  private static final Pattern DNS_NAME =
      Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");

  private BackendValidation() {}

  /** What is wrong with the Backend, one message per field; empty when it is valid. */
  static List<String> problems(Backend backend) {
    List<String> problems = new ArrayList<>();
    List<BackendEndpoint> endpoints =
        backend.getSpec() == null ? List.of() : nonNull(backend.getSpec().getEndpoints());
    if (endpoints.isEmpty()) {
      problems.add("spec.endpoints: empty (expected: at least one endpoint)");
    }
    for (int i = 0; i < endpoints.size(); i++) {
      String at = "spec.endpoints[" + i + "]";
      BackendEndpoint e = endpoints.get(i);
      SocketAddressSpec ip = e == null ? null : e.getIp();
      SocketAddressSpec fqdn = e == null ? null : e.getFqdn();
      if ((ip == null) == (fqdn == null)) {
        problems.add(
            at
                + ": "
                + (ip == null ? "neither ip nor fqdn" : "both ip and fqdn")
                + " (expected: exactly one of them)");
        continue;
      }
      if (ip != null) {
        if (!isIpAddress(ip.getAddress())) {
          problems.add(
              at
                  + ".ip.address: "
                  + quoted(ip.getAddress())
                  + " (expected: an IPv4 or IPv6 address; a DNS name goes under fqdn)");
        }
        port(ip.getPort(), at + ".ip.port", problems);
      } else {
        String h = fqdn.getHostname();
        if (h == null || h.length() > 253 || !DNS_NAME.matcher(h).matches()) {
          problems.add(
              at
                  + ".fqdn.hostname: "
                  + quoted(h)
                  + " (expected: a lower-case DNS name without wildcard)");
        }
        port(fqdn.getPort(), at + ".fqdn.port", problems);
      }
    }
    return problems;
  }

  private static void port(Integer port, String at, List<String> problems) {
    if (port == null || port < 1 || port > 65535) {
      problems.add(at + ": " + (port == null ? "missing" : port) + " (expected: 1-65535)");
    }
  }

  /** Whether a string is an IPv4 literal or an IPv6 literal (RFC 4291 text forms). */
  static boolean isIpAddress(String s) {
    if (s == null || s.isEmpty()) {
      return false;
    }
    if (IPV4.matcher(s).matches()) {
      return true;
    }
    if (!s.contains(":") || !IPV6_CHARACTERS.matcher(s).matches()) {
      return false;
    }
    int compressed = s.indexOf("::");
    if (compressed >= 0 && s.indexOf("::", compressed + 1) >= 0) {
      return false; // "::" at most once
    }
    String[] groups = s.split(":", -1);
    int count = 0;
    for (int i = 0; i < groups.length; i++) {
      String g = groups[i];
      if (g.isEmpty()) {
        continue; // part of "::" (checked above), or a leading/trailing one of it
      }
      if (i == groups.length - 1 && g.contains(".")) {
        if (!IPV4.matcher(g).matches()) {
          return false;
        }
        count += 2; // an embedded IPv4 address takes two groups
      } else if (g.length() > 4 || g.contains(".")) {
        return false;
      } else {
        count++;
      }
    }
    if (compressed < 0) {
      // Without "::" there are exactly eight groups and no empty one.
      for (String g : groups) {
        if (g.isEmpty()) {
          return false;
        }
      }
      return count == 8;
    }
    // A single leading or trailing ':' not part of "::" is malformed.
    if ((s.startsWith(":") && !s.startsWith("::")) || (s.endsWith(":") && !s.endsWith("::"))) {
      return false;
    }
    return count < 8;
  }

  private static String quoted(String s) {
    return s == null ? "missing" : "\"" + s + "\"";
  }
}
