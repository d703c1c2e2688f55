/**
 * Providers: the sources of {@link dev.archway.api.snapshot.ResourceSnapshot}s. The file provider
 * reads YAML from disk for standalone mode; the Kubernetes provider ({@code
 * dev.archway.provider.kubernetes}) watches an API server.
 */
package dev.archway.provider;
