/**
 * The Kubernetes infrastructure of Gateways (issue 05, "kubernetes" infrastructure): for each
 * Gateway a proxy Deployment running {@code archway proxy}, a Service in front of it and a
 * ServiceAccount. Split as Strimzi splits its operators: {@link dev.archway.infra.ProxyModel} is
 * pure (the infra IR of a Gateway in, the desired fabric8 objects out, no I/O, golden-tested), and
 * {@link dev.archway.infra.InfraApplier} makes the API server agree (server-side apply, pruning),
 * only on the leader.
 */
package dev.archway.infra;
