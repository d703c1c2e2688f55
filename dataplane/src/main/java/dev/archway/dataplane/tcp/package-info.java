/**
 * Byte pipes: a TCP connection (or the plaintext of a terminated TLS one, or the untouched bytes of
 * a passthrough one) relayed to one backend endpoint picked by weight ({@link
 * dev.archway.dataplane.tcp.L4Route}), with backpressure in both directions.
 */
package dev.archway.dataplane.tcp;
