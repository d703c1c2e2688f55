package dev.archway.echo;

import java.util.Objects;

/**
 * Who an echo server claims to be in its answers, as the conformance echo server does with its
 * {@code POD_NAME}, {@code NAMESPACE} and {@code SERVICE_NAME} environment.
 *
 * @param pod the pod name; tests check that it starts with the backend's name
 * @param namespace the namespace, or empty
 * @param service the service name, or empty
 */
record EchoIdentity(String pod, String namespace, String service) {
  EchoIdentity {
    Objects.requireNonNull(pod, "pod");
    namespace = Objects.requireNonNullElse(namespace, "");
    service = Objects.requireNonNullElse(service, "");
  }
}
