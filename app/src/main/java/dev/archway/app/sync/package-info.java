/**
 * Config sync: streams each Gateway's data plane configuration from the controller ({@link
 * dev.archway.app.sync.SyncServer}) to the {@code archway proxy} pods that serve it ({@link
 * dev.archway.app.sync.SyncClient}) over a bidirectional gRPC stream with mutual TLS; versioned
 * snapshots, ACK/NACK, endpoint deltas, reconnect with backoff. See "Config sync" in
 * docs/architecture.md.
 */
package dev.archway.app.sync;
