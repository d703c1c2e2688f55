package dev.archway.infra;

import java.util.List;
import java.util.Objects;

/**
 * What every proxy Deployment shares, set on the controller's command line.
 *
 * @param image the container image that holds {@code archway} (the controller's own)
 * @param imagePullPolicy Always, IfNotPresent or Never
 * @param controllerAddress {@code host:port} of the controller's config stream, passed to {@code
 *     archway proxy --controller}
 * @param extraArgs appended to the proxy's arguments
 */
public record ProxySettings(
    String image, String imagePullPolicy, String controllerAddress, List<String> extraArgs) {
  /** The image the Helm chart and the Dockerfile build. */
  public static final String DEFAULT_IMAGE = "ghcr.io/archway-dev/archway:0.1.0";

  public ProxySettings {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(imagePullPolicy, "imagePullPolicy");
    Objects.requireNonNull(controllerAddress, "controllerAddress");
    extraArgs = List.copyOf(Objects.requireNonNullElse(extraArgs, List.of()));
  }

  /** Default image and pull policy, the given controller address. */
  public static ProxySettings defaults(String controllerAddress) {
    return new ProxySettings(DEFAULT_IMAGE, "IfNotPresent", controllerAddress, List.of());
  }
}
