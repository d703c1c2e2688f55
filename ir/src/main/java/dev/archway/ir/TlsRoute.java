package dev.archway.ir;

import java.util.List;
import java.util.Objects;

/**
 * One hostname of one TLSRoute on one listener.
 *
 * @param name {@code tlsroute/<namespace>/<name>}
 * @param hostname the SNI this entry serves: exact, wildcard ({@code *.example.com} matches one or
 *     more labels) or {@code *}
 * @param backends weighted as for HTTP; a connection whose pick is an invalid backend (null
 *     destination), or when every weight is 0 or the list is empty, is closed (refused in
 *     proportion to the invalid backends' weight)
 */
public record TlsRoute(String name, String hostname, List<WeightedBackend> backends) {
  public TlsRoute {
    Objects.requireNonNull(name, "name");
    hostname = Objects.requireNonNullElse(hostname, "*");
    backends = List.copyOf(Objects.requireNonNullElse(backends, List.of()));
  }
}
