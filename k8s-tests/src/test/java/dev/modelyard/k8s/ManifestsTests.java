package dev.modelyard.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.k8s.Manifests.Manifest;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManifestsTests {

  @Test
  void everyManifestTheIssueAsksForIsThere() {
    assertThat(Manifests.files().stream().map(f -> f.getFileName().toString()))
        .contains(
            "namespace.yaml",
            "postgres.yaml",
            "redis.yaml",
            "temporal.yaml",
            "llm-api.yaml",
            "workers.yaml",
            "ollama.yaml",
            "monitoring.yaml",
            "ingress.yaml",
            "network-policies.yaml",
            "rbac.yaml");
  }

  @Test
  void everyDocumentParsesIntoATypedObjectWithNoUnknownField() {
    List<Manifest> all = Manifests.all();

    assertThat(all).hasSizeGreaterThan(40);
    assertThat(all).allSatisfy(m -> assertThat(m.object().getMetadata().getName()).isNotBlank());
  }

  @Test
  void aFieldTheModelDoesNotKnowIsRefused() throws Exception {
    Path file = java.nio.file.Files.createTempFile("unknown-field", ".yaml");
    java.nio.file.Files.writeString(
        file,
        """
        apiVersion: v1
        kind: Service
        metadata:
          name: x
        spec:
          selector: {a: b}
          ports:
            - port: 80
              targetPrt: 8080
        """);

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Manifests.read(file))
        .hasMessageContaining("targetPrt");
  }

  @Test
  void everyObjectIsLabelledAsPartOfModelyard() {
    assertThat(Manifests.all())
        .allSatisfy(
            m ->
                assertThat(m.object().getMetadata().getLabels())
                    .as(m.where())
                    .containsEntry("app.kubernetes.io/part-of", "modelyard"));
  }

  @Test
  void manifestsNameNoNamespaceSoDeployShChoosesIt() {
    assertThat(Manifests.all())
        .allSatisfy(
            m -> assertThat(m.object().getMetadata().getNamespace()).as(m.where()).isNull());
  }

  /** deploy.sh renames the Namespace by its name: nothing else may carry it. */
  @Test
  void onlyTheNamespaceIsNamedModelyard() {
    assertThat(
            Manifests.all().stream()
                .map(Manifest::object)
                .filter(o -> o.getMetadata().getName().equals("modelyard")))
        .singleElement()
        .isInstanceOf(Namespace.class);
  }

  @Test
  void namesAreUniquePerKind() {
    List<String> keys = new ArrayList<>();
    for (HasMetadata o : Manifests.all().stream().map(Manifest::object).toList()) {
      keys.add(o.getKind() + "/" + o.getMetadata().getName());
    }
    assertThat(keys).doesNotHaveDuplicates();
  }

  @Test
  void noSecretIsApplied() {
    assertThat(Manifests.all(Secret.class)).isEmpty();
  }

  @Test
  void servicesExposeNoNodePortsOrLoadBalancers() {
    assertThat(Manifests.all(Service.class))
        .allSatisfy(
            s ->
                assertThat(s.getSpec().getType())
                    .as(s.getMetadata().getName())
                    .isIn(null, "ClusterIP"));
  }
}
