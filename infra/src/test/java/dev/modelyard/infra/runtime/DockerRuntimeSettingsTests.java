package dev.modelyard.infra.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.util.unit.DataSize;

class DockerRuntimeSettingsTests {

  @Test
  void bindsFromEnvironmentVariablesWithDefaults() {
    DockerRuntimeSettings settings =
        bind(
            Map.of(
                "MODELYARD_DOCKER_RUNTIME_ENGINE_RUNNER_IMAGE",
                "registry.example/modelyard/engine-runner:1",
                "MODELYARD_DOCKER_RUNTIME_MEMORY_LIMIT",
                "4GB",
                "MODELYARD_DOCKER_RUNTIME_RECONCILE",
                "remove-all"));

    assertThat(settings.engineRunnerImage())
        .isEqualTo("registry.example/modelyard/engine-runner:1");
    assertThat(settings.memoryLimit()).isEqualTo(DataSize.ofGigabytes(4));
    assertThat(settings.reconcile()).isEqualTo(ReconcilePolicy.REMOVE_ALL);
    assertThat(settings.startTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(settings.stopGrace()).isEqualTo(Duration.ofSeconds(10));
    assertThat(settings.keepOnShutdown()).isFalse();
  }

  @Test
  void keepingContainersOnShutdownNeedsTheNextWorkerToAdoptThem() {
    assertThat(
            bind(Map.of(
                    "MODELYARD_DOCKER_RUNTIME_ENGINE_RUNNER_IMAGE",
                    "registry.example/modelyard/engine-runner:1",
                    "MODELYARD_DOCKER_RUNTIME_KEEP_ON_SHUTDOWN",
                    "true"))
                .keepOnShutdown())
        .isTrue();
    assertThatThrownBy(
            () ->
                bind(
                    Map.of(
                        "MODELYARD_DOCKER_RUNTIME_ENGINE_RUNNER_IMAGE",
                        "registry.example/modelyard/engine-runner:1",
                        "MODELYARD_DOCKER_RUNTIME_KEEP_ON_SHUTDOWN",
                        "true",
                        "MODELYARD_DOCKER_RUNTIME_RECONCILE",
                        "remove-all")))
        .rootCause()
        .hasMessageContaining("keepOnShutdown needs reconcile adopt-known");
  }

  @Test
  void refusesToStartWithoutAnImage() {
    assertThatThrownBy(() -> bind(Map.of()))
        .rootCause()
        .hasMessageContaining("MODELYARD_DOCKER_RUNTIME_ENGINE_RUNNER_IMAGE");
  }

  private static DockerRuntimeSettings bind(Map<String, Object> environment) {
    MutablePropertySources sources = new MutablePropertySources();
    sources.addFirst(new SystemEnvironmentPropertySource("env", environment));
    return new Binder(ConfigurationPropertySources.from(sources))
        .bindOrCreate("modelyard.docker.runtime", DockerRuntimeSettings.class);
  }
}
