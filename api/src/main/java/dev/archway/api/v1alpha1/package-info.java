/**
 * Archway's own kinds, group {@code archway.dev}, version {@code v1alpha1}. Field names follow
 * Envoy Gateway's equivalents where the meaning is the same, so that users can move over.
 */
package dev.archway.api.v1alpha1;
