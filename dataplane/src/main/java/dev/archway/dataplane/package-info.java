/**
 * The data plane's entry point: {@link dev.archway.dataplane.DataPlane} takes IR configurations,
 * keeps the compiled route table current and the HTTP listeners bound, and reports per listener
 * whether it serves ({@link dev.archway.dataplane.ApplyResult}).
 */
package dev.archway.dataplane;
