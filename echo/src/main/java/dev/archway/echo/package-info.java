/**
 * An echo backend for tests and examples: it answers every request with JSON describing what it
 * received (path, host, method, headers) and its own name, the way the Gateway API conformance
 * suite's echo server does, so that a test can see exactly what the gateway forwarded.
 */
package dev.archway.echo;
