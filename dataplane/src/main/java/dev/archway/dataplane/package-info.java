/**
 * The data plane's entry point: {@link dev.archway.dataplane.DataPlane} takes IR configurations,
 * keeps the compiled route table current and the HTTP, HTTPS, TLS, TCP and UDP listeners bound (see
 * the {@code listener} package), and reports per listener whether it serves ({@link
 * dev.archway.dataplane.ApplyResult}).
 */
package dev.archway.dataplane;
