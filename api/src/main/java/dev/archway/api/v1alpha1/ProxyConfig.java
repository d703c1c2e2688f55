package dev.archway.api.v1alpha1;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * How Archway runs the proxy of a Gateway: replicas, the Service in front of it, resources, log
 * level and worker threads. Referenced from a GatewayClass's {@code spec.parametersRef} (for every
 * Gateway of the class) or a Gateway's {@code spec.infrastructure.parametersRef} (which wins), with
 * {@code group: archway.dev, kind: ProxyConfig}. Like Envoy Gateway's EnvoyProxy, whose field names
 * it borrows where the meaning is the same.
 */
@Group(ArchwayApi.GROUP)
@Version(ArchwayApi.VERSION)
public class ProxyConfig extends CustomResource<ProxyConfigSpec, Void> implements Namespaced {
  public static final String KIND = "ProxyConfig";
}
