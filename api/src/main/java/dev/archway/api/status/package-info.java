/**
 * The Gateway API's condition types and reasons as enums whose values are the spec's strings
 * ({@code apis/v1/gatewayclass_types.go}, {@code gateway_types.go}, {@code shared_types.go} at
 * v1.6.1), and {@link dev.archway.api.status.Conditions} to build fabric8 {@code Condition}s from
 * them. Deprecated types and reasons ({@code Ready}, {@code Scheduled}, {@code Detached}) are left
 * out on purpose so that nothing new starts to use them.
 */
package dev.archway.api.status;
