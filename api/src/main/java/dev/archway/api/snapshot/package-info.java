/**
 * The immutable set of resources the translator reads, and the keys that name them. Providers build
 * one snapshot per change; nothing downstream ever mutates one.
 */
package dev.archway.api.snapshot;
