/**
 * The internal routing model: immutable records that say what the data plane must serve, and
 * nothing about where the configuration came from. The translator produces one {@link
 * dev.archway.ir.DataPlaneConfig}; the data plane compiles it. Names are derived from resource keys
 * ({@code httproute/ns/name/rule/0/match/0}) so that output is stable and can be compared.
 */
package dev.archway.ir;
