package dev.archway.api.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.archway.api.snapshot.ResourceSnapshot;
import dev.archway.api.v1alpha1.Backend;
import dev.archway.api.v1alpha1.ProxyConfig;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerSet;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrant;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TCPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.UDPRoute;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestLoaderTest {
  @TempDir Path dir;

  private Path write(String name, String yaml) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, yaml);
    return file;
  }

  @Test
  void readsEveryDocumentOfEverySupportedKind() throws IOException {
    write(
        "a.yaml",
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: GatewayClass
        metadata:
          name: archway
        spec:
          controllerName: archway.dev/gateway-controller
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: gw
        spec:
          gatewayClassName: archway
          listeners:
          - name: http
            port: 8080
            protocol: HTTP
        ---
        apiVersion: gateway.networking.k8s.io/v1beta1
        kind: HTTPRoute
        metadata:
          name: old-version
          namespace: apps
          generation: 4
        spec:
          parentRefs:
          - name: gw
            namespace: default
        """);
    write(
        "sub/b.yml",
        """
        apiVersion: gateway.networking.k8s.io/v1alpha2
        kind: ReferenceGrant
        metadata: {name: grant, namespace: default}
        spec:
          from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: apps}]
          to: [{group: "", kind: Service}]
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: echo-abc
          labels: {kubernetes.io/service-name: echo}
        addressType: IPv4
        endpoints:
        - addresses: [127.0.0.1]
        ports:
        - port: 3000
        ---
        apiVersion: archway.dev/v1alpha1
        kind: Backend
        metadata: {name: static}
        spec:
          endpoints:
          - ip: {address: 127.0.0.1, port: 9000}
          - fqdn: {hostname: localhost, port: 9001}
        """);
    write("ignored.txt", "not: a manifest");

    LoadResult result = ManifestLoader.load(List.of(dir));
    ResourceSnapshot snapshot = result.snapshot();

    assertThat(result.warnings()).isEmpty();
    assertThat(snapshot.size()).isEqualTo(6);
    assertThat(snapshot.list(GatewayClass.class).get(0).getSpec().getControllerName())
        .isEqualTo("archway.dev/gateway-controller");
    Gateway gateway = snapshot.find(Gateway.class, "default", "gw").orElseThrow();
    assertThat(gateway.getSpec().getListeners().get(0).getPort()).isEqualTo(8080);
    assertThat(gateway.getMetadata().getGeneration()).isEqualTo(1L);
    HTTPRoute route = snapshot.find(HTTPRoute.class, "apps", "old-version").orElseThrow();
    assertThat(route.getApiVersion()).isEqualTo("gateway.networking.k8s.io/v1beta1");
    assertThat(route.getMetadata().getGeneration()).isEqualTo(4L);
    assertThat(snapshot.list(ReferenceGrant.class)).hasSize(1);
    assertThat(snapshot.list(EndpointSlice.class).get(0).getEndpoints().get(0).getAddresses())
        .containsExactly("127.0.0.1");
    Backend backend = snapshot.list(Backend.class).get(0);
    assertThat(backend.getSpec().getEndpoints().get(1).getFqdn().getHostname())
        .isEqualTo("localhost");
    assertThat(snapshot.list(GatewayClass.class).get(0).getMetadata().getNamespace()).isNull();
  }

  @Test
  void deprecatedVersionsOfEveryGatewayApiKindReadAsV1() throws IOException {
    write(
        "kinds.yaml",
        """
        apiVersion: gateway.networking.k8s.io/v1alpha2
        kind: TLSRoute
        metadata: {name: tls-a2}
        spec: {hostnames: [a.example.com], rules: [{backendRefs: [{name: s, port: 443}]}]}
        ---
        apiVersion: gateway.networking.k8s.io/v1alpha3
        kind: TLSRoute
        metadata: {name: tls-a3}
        spec: {hostnames: [b.example.com]}
        ---
        apiVersion: gateway.networking.k8s.io/v1alpha2
        kind: TCPRoute
        metadata: {name: tcp}
        spec: {rules: [{backendRefs: [{name: s, port: 9000}]}]}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: UDPRoute
        metadata: {name: udp}
        spec: {rules: [{backendRefs: [{name: dns, port: 53}]}]}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata: {name: grpc}
        spec: {rules: [{matches: [{method: {service: a.B, method: C}}]}]}
        ---
        apiVersion: gateway.networking.k8s.io/v1alpha3
        kind: BackendTLSPolicy
        metadata: {name: btls}
        spec:
          targetRefs: [{group: "", kind: Service, name: s}]
          validation: {hostname: s.example.com, wellKnownCACertificates: System}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: ListenerSet
        metadata: {name: ls}
        spec:
          parentRef: {name: gw}
          listeners: [{name: extra, port: 8080, protocol: HTTP}]
        ---
        apiVersion: archway.dev/v1alpha1
        kind: ProxyConfig
        metadata: {name: proxy}
        spec:
          provider:
            kubernetes:
              deployment: {replicas: 2, resources: {limits: {cpu: "1"}}}
              service: {type: ClusterIP, annotations: {a: b}}
          logging: {level: debug}
          concurrency: 4
        """);

    LoadResult result = ManifestLoader.load(List.of(dir));

    assertThat(result.warnings()).isEmpty();
    ResourceSnapshot snapshot = result.snapshot();
    assertThat(snapshot.list(TLSRoute.class)).hasSize(2);
    assertThat(snapshot.list(TLSRoute.class).get(0).getApiVersion())
        .isEqualTo("gateway.networking.k8s.io/v1alpha2");
    assertThat(snapshot.list(TCPRoute.class)).hasSize(1);
    assertThat(snapshot.list(UDPRoute.class)).hasSize(1);
    assertThat(snapshot.list(GRPCRoute.class).get(0).getSpec().getRules()).hasSize(1);
    assertThat(snapshot.list(BackendTLSPolicy.class).get(0).getSpec().getValidation().getHostname())
        .isEqualTo("s.example.com");
    assertThat(snapshot.list(ListenerSet.class).get(0).getSpec().getListeners()).hasSize(1);
    ProxyConfig proxy = snapshot.list(ProxyConfig.class).get(0);
    assertThat(proxy.getSpec().getProvider().getKubernetes().getDeployment().getReplicas())
        .isEqualTo(2);
    assertThat(proxy.getSpec().getConcurrency()).isEqualTo(4);
    assertThat(proxy.getMetadata().getNamespace()).isEqualTo("default");
  }

  @Test
  void unsupportedKindsAreSkippedWithAWarningNamingTheLine() throws IOException {
    Path file =
        write(
            "x.yaml",
            """
            apiVersion: v1
            kind: Namespace
            metadata: {name: apps}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            """);
    LoadResult result = ManifestLoader.load(List.of(file));
    assertThat(result.snapshot().size()).isEqualTo(1);
    assertThat(result.warnings())
        .containsExactly(file + ":5: apps/v1 Deployment is not supported; ignored");
  }

  @Test
  void syntaxErrorNamesFileAndLine() throws IOException {
    Path file =
        write(
            "bad.yaml",
            """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: [unclosed
            """);
    assertThatThrownBy(() -> ManifestLoader.load(List.of(file)))
        .isInstanceOf(ManifestException.class)
        .hasMessageStartingWith(file + ":")
        .hasMessageContaining("invalid YAML")
        .satisfies(e -> assertThat(((ManifestException) e).line()).isGreaterThanOrEqualTo(4));
  }

  @Test
  void wrongValueTypeNamesTheField() throws IOException {
    Path file =
        write(
            "bad.yaml",
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: gw}
            spec:
              listeners:
              - name: http
                port: eighty
            """);
    assertThatThrownBy(() -> ManifestLoader.load(List.of(file)))
        .isInstanceOf(ManifestException.class)
        .hasMessageContaining(file + ":1: Gateway: spec.listeners[0].port");
  }

  @Test
  void missingNameIsAnError() throws IOException {
    Path file = write("bad.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {}\n");
    assertThatThrownBy(() -> ManifestLoader.load(List.of(file)))
        .hasMessage(file + ":1: Namespace: metadata.name: missing");
  }

  @Test
  void missingPathIsAnError() {
    Path missing = dir.resolve("nope.yaml");
    assertThatThrownBy(() -> ManifestLoader.load(List.of(missing)))
        .hasMessage(missing + ":0: no such file or directory");
  }
}
