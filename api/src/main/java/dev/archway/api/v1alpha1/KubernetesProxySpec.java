package dev.archway.api.v1alpha1;

import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.LinkedHashMap;
import java.util.Map;

/** The Kubernetes resources that run a proxy: its Deployment and its Service. */
public class KubernetesProxySpec {
  private Deployment deployment;
  private ServiceSpec service;

  public Deployment getDeployment() {
    return deployment;
  }

  public void setDeployment(Deployment deployment) {
    this.deployment = deployment;
  }

  public ServiceSpec getService() {
    return service;
  }

  public void setService(ServiceSpec service) {
    this.service = service;
  }

  /** The proxy Deployment (EnvoyProxy {@code envoyDeployment}). */
  public static class Deployment {
    private Integer replicas;
    private ResourceRequirements resources;

    /** Pod replicas, at least 0; 1 when unset. */
    public Integer getReplicas() {
      return replicas;
    }

    public void setReplicas(Integer replicas) {
      this.replicas = replicas;
    }

    /** CPU and memory requests and limits of the proxy container. */
    public ResourceRequirements getResources() {
      return resources;
    }

    public void setResources(ResourceRequirements resources) {
      this.resources = resources;
    }
  }

  /** The proxy Service (EnvoyProxy {@code envoyService}). */
  public static class ServiceSpec {
    private String type;
    private Map<String, String> annotations = new LinkedHashMap<>();

    /** LoadBalancer (default), NodePort or ClusterIP. */
    public String getType() {
      return type;
    }

    public void setType(String type) {
      this.type = type;
    }

    /** Annotations for the Service only. */
    public Map<String, String> getAnnotations() {
      return annotations;
    }

    public void setAnnotations(Map<String, String> annotations) {
      this.annotations = annotations == null ? new LinkedHashMap<>() : annotations;
    }
  }
}
