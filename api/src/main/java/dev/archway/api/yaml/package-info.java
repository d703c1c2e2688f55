/**
 * Reading Kubernetes manifests from YAML or JSON files into a {@link
 * dev.archway.api.snapshot.ResourceSnapshot}, with errors that name the file and line.
 */
package dev.archway.api.yaml;
