package dev.archway.api.v1alpha1;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Static endpoints a route can send traffic to without a Service: IP addresses or hostnames with
 * ports, for standalone use and for destinations outside the cluster. Referenced from a backendRef
 * with {@code group: archway.dev, kind: Backend}; like Envoy Gateway's Backend.
 */
@Group(ArchwayApi.GROUP)
@Version(ArchwayApi.VERSION)
public class Backend extends CustomResource<BackendSpec, Void> implements Namespaced {
  public static final String KIND = "Backend";
}
