package dev.archway.dataplane.routing;

/**
 * One backendRef of a route.
 *
 * @param destination the IR destination name, or null when the reference was invalid
 * @param upstream the compiled destination, or null when the reference was invalid (500)
 * @param filters applied after the rule's filters when this backend is picked
 */
public record Backend(String destination, int weight, Upstream upstream, FilterChain filters) {}
