package dev.modelyard.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * monitoring.yaml provisions Prometheus and Grafana with the dashboards and alert rules of
 * k8s/monitoring, through the ConfigMaps its kustomization generates.
 */
class MonitoringTests {

  static final Path MONITORING = Manifests.k8s().resolve("monitoring");

  /** The kustomization's shape; a field Kustomize would read that this does not know fails. */
  record Kustomization(
      String apiVersion,
      String kind,
      GeneratorOptions generatorOptions,
      List<Generator> configMapGenerator) {}

  record GeneratorOptions(boolean disableNameSuffixHash, Map<String, String> labels) {}

  record Generator(String name, List<String> files) {}

  @Test
  void theKustomizationGeneratesAConfigMapOfEveryDashboardAndRulesFileThatExists() {
    Kustomization k = kustomization();
    assertThat(k.kind()).isEqualTo("Kustomization");
    // monitoring.yaml mounts them by name, so the names must stay fixed.
    assertThat(k.generatorOptions().disableNameSuffixHash()).isTrue();
    assertThat(k.generatorOptions().labels())
        .containsEntry("app.kubernetes.io/part-of", "modelyard");
    assertThat(generator("grafana-dashboards").files())
        .hasSameElementsAs(files("dashboards", ".json"));
    assertThat(generator("prometheus-rules").files())
        .hasSameElementsAs(
            files("alerts", ".yaml").stream().filter(f -> !f.endsWith(".test.yaml")).toList())
        .isNotEmpty();
    k.configMapGenerator().stream()
        .flatMap(g -> g.files().stream())
        .forEach(f -> assertThat(MONITORING.resolve(f)).isRegularFile());
  }

  @Test
  void dashboardsAreGrafanaJsonWithFixedUids() throws IOException {
    for (String file : generator("grafana-dashboards").files()) {
      JsonNode dashboard = new ObjectMapper().readTree(MONITORING.resolve(file).toFile());
      assertThat(dashboard.path("uid").asText()).as(file).isNotBlank();
      assertThat(dashboard.path("panels").isArray()).as(file).isTrue();
    }
  }

  @Test
  void prometheusMountsTheRulesItsConfigurationReads() throws IOException {
    Workloads prometheus = Workloads.named("prometheus");
    String rulesDir = mountOf(prometheus, configMapVolume(prometheus, "prometheus-rules"));
    String configDir = mountOf(prometheus, configMapVolume(prometheus, "prometheus-config"));
    assertThat(prometheus.pod().getContainers().getFirst().getArgs())
        .contains("--config.file=" + configDir + "/prometheus.yml");

    JsonNode config =
        Manifests.YAML.readTree(configMap("prometheus-config").getData().get("prometheus.yml"));
    List<String> ruleFiles = Manifests.YAML.convertValue(config.path("rule_files"), List.class);
    for (String rules : generator("prometheus-rules").files()) {
      String mounted = rulesDir + "/" + Path.of(rules).getFileName();
      assertThat(ruleFiles)
          .as(mounted + " is read")
          .anySatisfy(
              glob ->
                  assertThat(Path.of(mounted))
                      .matches(p -> p.getFileSystem().getPathMatcher("glob:" + glob).matches(p)));
    }
    assertThat(config.path("scrape_configs").findValuesAsText("job_name"))
        .contains("llm-api", "modelyard");
  }

  @Test
  void grafanaLoadsTheDashboardsFromWhereTheyAreMounted() throws IOException {
    Workloads grafana = Workloads.named("grafana");
    String dashboardsDir = mountOf(grafana, configMapVolume(grafana, "grafana-dashboards"));
    JsonNode providers =
        Manifests.YAML.readTree(configMap("grafana-provisioning").getData().get("dashboards.yaml"));
    assertThat(providers.at("/providers/0/options/path").asText()).isEqualTo(dashboardsDir);
    JsonNode datasources =
        Manifests.YAML.readTree(
            configMap("grafana-provisioning").getData().get("datasources.yaml"));
    assertThat(datasources.at("/datasources/0/type").asText()).isEqualTo("prometheus");
    assertThat(datasources.at("/datasources/0/url").asText()).isEqualTo("http://prometheus:9090");
  }

  static Kustomization kustomization() {
    try {
      return Manifests.YAML
          .copy()
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
          .readValue(MONITORING.resolve("kustomization.yaml").toFile(), Kustomization.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Generator generator(String name) {
    return kustomization().configMapGenerator().stream()
        .filter(g -> g.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no ConfigMap generator " + name));
  }

  static List<String> files(String dir, String suffix) {
    try (Stream<Path> files = Files.list(MONITORING.resolve(dir))) {
      return files
          .map(f -> dir + "/" + f.getFileName())
          .filter(f -> f.endsWith(suffix))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ConfigMap configMap(String name) {
    return Manifests.all(ConfigMap.class).stream()
        .filter(c -> c.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no ConfigMap " + name));
  }

  static String configMapVolume(Workloads w, String configMap) {
    return w.pod().getVolumes().stream()
        .filter(v -> v.getConfigMap() != null && v.getConfigMap().getName().equals(configMap))
        .map(Volume::getName)
        .findFirst()
        .orElseThrow(() -> new AssertionError(w.where() + " mounts no ConfigMap " + configMap));
  }

  static String mountOf(Workloads w, String volume) {
    return w.pod().getContainers().getFirst().getVolumeMounts().stream()
        .filter(m -> m.getName().equals(volume) && m.getSubPath() == null)
        .map(VolumeMount::getMountPath)
        .findFirst()
        .orElseThrow(() -> new AssertionError(w.where() + " does not mount " + volume));
  }
}
