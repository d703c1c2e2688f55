/**
 * Archway's resource model: the Gateway API kinds come from fabric8's model, Archway's own kinds
 * ({@code archway.dev/v1alpha1}) are defined in {@link dev.archway.api.v1alpha1}, and a whole set
 * of resources travels between pipeline stages as one immutable {@link
 * dev.archway.api.snapshot.ResourceSnapshot}.
 */
package dev.archway.api;
