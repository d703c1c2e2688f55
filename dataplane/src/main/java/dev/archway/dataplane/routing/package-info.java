/**
 * Routing: compiles the IR into an immutable {@link dev.archway.dataplane.routing.RouteTable} and
 * answers "which route serves this request" with the Gateway API precedence, in time that does not
 * grow with the number of routes (hash lookups for hosts and exact paths, a segment trie for
 * prefixes). Nothing here touches the network, so all of it is tested with plain values.
 */
package dev.archway.dataplane.routing;
