package dev.archway.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code archway translate} through the real jar: output, formats and exit codes. */
class TranslateCommandIT {
  @TempDir Path dir;

  /** The quickstart example, read from the repository, so the example itself stays valid. */
  private static final Path QUICKSTART = Path.of("..", "examples", "quickstart");

  @Test
  void theQuickstartExampleIsAcceptedAsWritten() throws Exception {
    ArchwayProcess.Result result =
        ArchwayProcess.runToCompletion(dir, "translate", "-f", QUICKSTART.toString());
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stdout())
        .contains("kind: HTTPRoute")
        .contains("controllerName: archway.dev/gateway-controller")
        .contains("reason: Accepted");
  }

  @Test
  void jsonOutputIsOneListAndCanIncludeTheIr() throws Exception {
    ArchwayProcess.Result result =
        ArchwayProcess.runToCompletion(
            dir, "translate", "-f", QUICKSTART.toString(), "-o", "json", "--show", "status,ir");
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    JsonNode list = JsonMapper.shared().readTree(result.stdout());
    assertThat(list.isArray()).isTrue();
    JsonNode ir = list.get(list.size() - 1);
    assertThat(ir.path("kind").asString()).isEqualTo("DataPlaneConfig");
    assertThat(ir.at("/spec/gateways/0/name").asString()).isEqualTo("gateway/default/quickstart");
  }

  @Test
  void exitsWithOneAndSaysWhyWhenARouteIsNotAccepted() throws Exception {
    Files.writeString(
        dir.resolve("bad.yaml"),
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: GatewayClass
        metadata: {name: archway}
        spec: {controllerName: archway.dev/gateway-controller}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: gw}
        spec:
          gatewayClassName: archway
          listeners: [{name: http, protocol: HTTP, port: 8080}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: web}
        spec:
          parentRefs: [{name: gw, sectionName: https}]
          rules: [{backendRefs: [{name: web, port: 80}]}]
        """);
    ArchwayProcess.Result result =
        ArchwayProcess.runToCompletion(dir, "translate", "-f", dir.resolve("bad.yaml").toString());
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stderr()).contains("HTTPRoute/default/web").contains("NoMatchingParent");
    assertThat(result.stdout()).contains("reason: NoMatchingParent");
  }

  @Test
  void exitsWithTwoWhenTheFilesCannotBeRead() throws Exception {
    Path broken = dir.resolve("broken.yaml");
    Files.writeString(broken, "apiVersion: v1\nkind: Namespace\nmetadata: {name: [\n");
    ArchwayProcess.Result result =
        ArchwayProcess.runToCompletion(dir, "translate", "-f", broken.toString());
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stderr()).startsWith("error: " + broken + ":");
  }

  @Test
  void versionPrintsTheBuildVersion() throws Exception {
    ArchwayProcess.Result result = ArchwayProcess.runToCompletion(dir, "version");
    assertThat(result.exitCode()).isZero();
    assertThat(result.stdout()).matches("archway \\d+\\.\\d+\\.\\d+.*\\n");
  }
}
