/**
 * Facts only the running system knows, such as whether a listener's port could be bound, handed
 * back to the translator as values so that it can report them in statuses without guessing.
 */
package dev.archway.api.runtime;
