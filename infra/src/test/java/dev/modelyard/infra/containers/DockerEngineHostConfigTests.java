package dev.modelyard.infra.containers;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.DeviceRequest;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.HostConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The settings sent to the engine, read without one (GPUs cannot be tried on the test engine). */
class DockerEngineHostConfigTests {

  private final ContainerSpec plain =
      new ContainerSpec("img", "name", List.of(), Map.of(), Map.of(), 0, 0, false);

  @Test
  void requestsTheNamedGpusAsDockerRunGpusDoes() {
    HostConfig config = DockerEngine.hostConfig(plain.withGpuDeviceIds(List.of("0", "GPU-8c1f")));

    assertThat(config.getDeviceRequests())
        .singleElement()
        .satisfies(
            (DeviceRequest request) -> {
              assertThat(request.getDeviceIds()).containsExactly("0", "GPU-8c1f");
              assertThat(request.getCapabilities()).containsExactly(List.of("gpu"));
              assertThat(request.getCount()).isNull();
            });
  }

  @Test
  void requestsNoGpuUnlessNamed() {
    assertThat(DockerEngine.hostConfig(plain).getDeviceRequests()).isNullOrEmpty();
  }

  @Test
  void bindsMountsReadOnlyWhenAsked() {
    HostConfig config =
        DockerEngine.hostConfig(
            plain.withMounts(
                List.of(
                    ContainerMount.readOnly(Path.of("/srv/models"), "/models"),
                    new ContainerMount(Path.of("/srv/cache"), "/cache", false))));

    assertThat(config.getBinds())
        .satisfiesExactly(
            bind -> {
              assertThat(bind.getPath()).isEqualTo("/srv/models");
              assertThat(bind.getVolume().getPath()).isEqualTo("/models");
              assertThat(bind.getAccessMode()).isEqualTo(AccessMode.ro);
            },
            bind -> assertThat(bind.getAccessMode()).isEqualTo(AccessMode.rw));
  }

  @Test
  void runsTheHealthCheckWithoutAShell() {
    HealthCheck check =
        DockerEngine.healthCheck(
            new ContainerHealthCheck(
                List.of("wget", "-q", "http://127.0.0.1:1/health"),
                Duration.ofSeconds(5),
                Duration.ofSeconds(3),
                3,
                Duration.ofSeconds(60)));

    assertThat(check.getTest()).containsExactly("CMD", "wget", "-q", "http://127.0.0.1:1/health");
    assertThat(check.getInterval()).isEqualTo(Duration.ofSeconds(5).toNanos());
    assertThat(check.getStartPeriod()).isEqualTo(Duration.ofSeconds(60).toNanos());
    assertThat(check.getRetries()).isEqualTo(3);
  }
}
