package dev.modelyard.infra.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelyard.infra.containers.ContainerInfo;
import dev.modelyard.infra.containers.ContainerLabels;
import dev.modelyard.infra.containers.DockerEngine;
import dev.modelyard.infra.containers.DockerEngineSettings;
import dev.modelyard.infra.engine.EngineOptions;
import dev.modelyard.testing.TestImages;
import dev.modelyard.testing.TestServices;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/**
 * GPUs given to an instance become the container's device requests on the real test engine. That
 * engine has no NVIDIA runtime, so such a container can be created and inspected, never started:
 * the creation is what is checked here, and the start's refusal.
 */
class DockerRuntimeGpuRequestsTests {

  private static final List<String> GPUS = List.of("GPU-5c3e1f0a-placed", "1");

  private final String hostId = "gpu-" + UUID.randomUUID().toString().substring(0, 8);
  private DockerEngine docker;
  private DockerRuntime runtime;

  @BeforeEach
  void connect() throws Exception {
    docker = new DockerEngine(DockerEngineSettings.of(URI.create(TestServices.get("DOCKER_HOST"))));
    DockerRuntimeSettings settings =
        DockerRuntimeSettings.of(TestImages.engineRunner())
            .withMemoryLimit(DataSize.ofMegabytes(256));
    docker.pull(settings.engineRunnerImage(), p -> {}, Duration.ofMinutes(2));
    runtime = new DockerRuntime(docker, settings, hostId);
  }

  @AfterEach
  void removeLeftovers() throws IOException {
    docker
        .listByLabels(Map.of(ContainerLabels.HOST, hostId))
        .forEach(c -> docker.stopAndRemove(c.id(), Duration.ZERO));
    docker.close();
  }

  @Test
  void theContainerCreatedNotStartedForAStartWithGpusCarriesTheirDeviceRequests() {
    String id = docker.create(runtime.containerSpec(spec("gpu-1", GPUS), 40001));

    ContainerInfo info = docker.inspect(id).orElseThrow();
    assertThat(info.gpuDeviceIds()).containsExactlyElementsOf(GPUS);
    assertThat(info.state().running()).isFalse();
    assertThat(info.labels()).containsEntry(ContainerLabels.INSTANCE, "gpu-1");
  }

  @Test
  void theContainerOfAStartWithoutGpusRequestsNone() {
    String id = docker.create(runtime.containerSpec(spec("cpu-1", List.of()), 40002));

    assertThat(docker.inspect(id).orElseThrow().gpuDeviceIds()).isEmpty();
  }

  @Test
  void startingWithGpusOnAnEngineWithoutNvidiasRuntimeFailsAndLeavesNoContainer() {
    assertThatThrownBy(() -> runtime.start(spec("gpu-2", GPUS))).hasMessageContaining("gpu");

    assertThat(docker.listByLabels(Map.of(ContainerLabels.HOST, hostId))).isEmpty();
    assertThat(runtime.endpoint("gpu-2")).isEmpty();
  }

  private static InstanceSpec spec(String id, List<String> gpus) {
    return new InstanceSpec(
        id,
        "tiny",
        TestServices.tinyModel(),
        EngineOptions.of(512, 1, 1),
        new InstanceResources(null, gpus),
        null);
  }
}
