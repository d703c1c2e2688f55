package dev.archway.api.v1alpha1;

/** Proxy logging. */
public class ProxyLogging {
  private String level;

  /** debug, info (default), warn or error. */
  public String getLevel() {
    return level;
  }

  public void setLevel(String level) {
    this.level = level;
  }
}
