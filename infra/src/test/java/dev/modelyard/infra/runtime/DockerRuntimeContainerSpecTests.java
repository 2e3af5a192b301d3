package dev.modelyard.infra.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.infra.containers.ContainerLabels;
import dev.modelyard.infra.containers.ContainerMount;
import dev.modelyard.infra.containers.ContainerSpec;
import dev.modelyard.infra.containers.DockerEngine;
import dev.modelyard.infra.containers.DockerEngineSettings;
import dev.modelyard.infra.engine.EngineOptions;
import dev.modelyard.infra.engine.InstanceNetwork;
import dev.modelyard.infra.engine.PortRange;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** What container an instance becomes, without a Docker engine. */
class DockerRuntimeContainerSpecTests {

  private final DockerEngine docker =
      new DockerEngine(DockerEngineSettings.of(URI.create("unix:///nonexistent/docker.sock")));
  private final DockerRuntime runtime =
      new DockerRuntime(
          docker,
          DockerRuntimeSettings.of("registry.example/modelyard/engine-runner:1")
              .withMemoryLimit(DataSize.ofGigabytes(2)),
          "host-1");

  @AfterEach
  void close() throws Exception {
    docker.close();
  }

  @Test
  void passesTheModelFromAReadOnlyMountAndTheChosenPortToTheRunner() {
    ContainerSpec spec = runtime.containerSpec(instance(InstanceResources.UNLIMITED), 41234);

    assertThat(spec.image()).isEqualTo("registry.example/modelyard/engine-runner:1");
    assertThat(spec.name()).isEqualTo("modelyard-i_1");
    assertThat(spec.command())
        .containsExactly("/models/model.gguf", "tiny", "1024", "3", "2", "41234", "127.0.0.1");
    assertThat(spec.mounts())
        .containsExactly(ContainerMount.readOnly(Path.of("/data/models/tiny"), "/models"));
    assertThat(spec.hostNetwork()).isTrue();
    assertThat(spec.healthCheck().command()).contains("http://127.0.0.1:41234/health");
    assertThat(spec.labels())
        .containsEntry(ContainerLabels.MODEL, "tiny")
        .containsEntry(ContainerLabels.INSTANCE, "i/1")
        .containsEntry(ContainerLabels.DEPLOYMENT, "deployment:local_gguf:tiny")
        .containsEntry(ContainerLabels.HOST, "host-1")
        .containsEntry(ContainerLabels.PORT, "41234");
  }

  @Test
  void bindsAndChecksTheInstanceAddressOnTheHostsNetwork() {
    DockerRuntime onPodIp =
        new DockerRuntime(
            docker,
            DockerRuntimeSettings.of("registry.example/modelyard/engine-runner:1"),
            "host-1",
            new InstanceNetwork(InetAddress.ofLiteral("10.1.2.3"), PortRange.parse("20000-20999")));

    ContainerSpec spec = onPodIp.containerSpec(instance(InstanceResources.UNLIMITED), 20007);

    assertThat(spec.command()).endsWith("20007", "10.1.2.3");
    assertThat(spec.healthCheck().command()).contains("http://10.1.2.3:20007/health");
  }

  @Test
  void limitsCpusToTheEngineThreadsAndMemoryToTheInstanceOrTheDefault() {
    ContainerSpec byDefault = runtime.containerSpec(instance(InstanceResources.UNLIMITED), 1);
    ContainerSpec own =
        runtime.containerSpec(
            instance(new InstanceResources(DataSize.ofMegabytes(512), List.of("0", "GPU-9f3c"))),
            1);

    assertThat(byDefault.nanoCpus()).isEqualTo(3_000_000_000L);
    assertThat(byDefault.memoryLimitBytes()).isEqualTo(DataSize.ofGigabytes(2).toBytes());
    assertThat(byDefault.gpuDeviceIds()).isEmpty();
    assertThat(own.memoryLimitBytes()).isEqualTo(DataSize.ofMegabytes(512).toBytes());
    assertThat(own.gpuDeviceIds()).containsExactly("0", "GPU-9f3c");
  }

  private static InstanceSpec instance(InstanceResources resources) {
    return new InstanceSpec(
        "i/1",
        "tiny",
        Path.of("/data/models/tiny/model.gguf"),
        new EngineOptions(1024, 3, 2),
        resources,
        "deployment:local_gguf:tiny");
  }
}
