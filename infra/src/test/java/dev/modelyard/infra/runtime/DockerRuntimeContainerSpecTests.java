package dev.modelyard.infra.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelyard.infra.containers.ContainerLabels;
import dev.modelyard.infra.containers.ContainerMount;
import dev.modelyard.infra.containers.ContainerSpec;
import dev.modelyard.infra.containers.DockerEngine;
import dev.modelyard.infra.containers.DockerEngineSettings;
import dev.modelyard.infra.engine.EngineOptions;
import dev.modelyard.infra.engine.InstanceNetwork;
import dev.modelyard.infra.engine.PortRange;
import java.net.InetAddress;
import java.net.ServerSocket;
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
  void twoStartsUnderWayOnOneHostAreNeverGivenOnePort() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    DockerRuntime onePort =
        new DockerRuntime(
            docker,
            DockerRuntimeSettings.of("registry.example/modelyard/engine-runner:1"),
            "host-1",
            new InstanceNetwork(InetAddress.getLoopbackAddress(), PortRange.single(port)));

    assertThat(onePort.reservePort()).isEqualTo(port);
    // The first start's container has not bound the port yet (it does once its model is loaded):
    // before, the second start was given it too, and the first one's server answered for both.
    assertThatThrownBy(onePort::reservePort)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("free of the containers starting on this host");
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

  @Test
  void ollamaServesOnTheChosenPortAndKeepsItsModelLoaded() {
    DockerRuntime withOllama =
        new DockerRuntime(
            docker,
            DockerRuntimeSettings.of("registry.example/modelyard/engine-runner:1")
                .withOllama("registry.example/ollama:0.24", Path.of("/srv/ollama-models")),
            "host-1");

    ContainerSpec spec =
        withOllama.containerSpec(
            new InstanceSpec(
                "o/1",
                "model-9",
                null,
                new EngineOptions(4096, 2, 3),
                new InstanceResources(null, List.of("GPU-9f3c")),
                null,
                ModelServer.OLLAMA,
                "tiny:latest"),
            41235);

    assertThat(spec.image()).isEqualTo("registry.example/ollama:0.24");
    assertThat(spec.command()).containsExactly("serve");
    assertThat(spec.env())
        .containsEntry("OLLAMA_HOST", "127.0.0.1:41235")
        .containsEntry("OLLAMA_KEEP_ALIVE", "-1")
        .containsEntry("OLLAMA_CONTEXT_LENGTH", "4096")
        .containsEntry("OLLAMA_NUM_PARALLEL", "3");
    assertThat(spec.mounts())
        .containsExactly(
            new ContainerMount(Path.of("/srv/ollama-models"), "/root/.ollama/models", false));
    assertThat(spec.gpuDeviceIds()).containsExactly("GPU-9f3c");
    assertThat(spec.hostNetwork()).isTrue();
    assertThat(spec.healthCheck().command()).contains("http://127.0.0.1:41235/api/version");
  }

  @Test
  void tgiGetsItsLauncherArgumentsAsDocumentedNotRunHere() {
    DockerRuntime withTgi =
        new DockerRuntime(
            docker,
            DockerRuntimeSettings.of("registry.example/modelyard/engine-runner:1")
                .withTgi("ghcr.io/huggingface/text-generation-inference:3.3.4"),
            "host-1");

    ContainerSpec fromFolder =
        withTgi.containerSpec(
            new InstanceSpec(
                "t/1",
                "model-7",
                Path.of("/data/hf/llama-3-8b"),
                new EngineOptions(8192, 4, 2),
                new InstanceResources(null, List.of("0", "1")),
                "deployment:hf_local:llama",
                ModelServer.TGI,
                null),
            41236);
    ContainerSpec fromHub =
        withTgi.containerSpec(
            new InstanceSpec(
                "t/2",
                "model-8",
                null,
                new EngineOptions(2048, 1, 1),
                InstanceResources.UNLIMITED,
                null,
                ModelServer.TGI,
                "HuggingFaceTB/SmolLM2-135M-Instruct"),
            41237);

    assertThat(fromFolder.image()).isEqualTo("ghcr.io/huggingface/text-generation-inference:3.3.4");
    assertThat(fromFolder.command())
        .containsExactly(
            "--model-id", "/model",
            "--hostname", "127.0.0.1",
            "--port", "41236",
            "--max-input-tokens", "8191",
            "--max-total-tokens", "8192",
            "--num-shard", "2");
    assertThat(fromFolder.mounts())
        .containsExactly(ContainerMount.readOnly(Path.of("/data/hf/llama-3-8b"), "/model"));
    assertThat(fromFolder.gpuDeviceIds()).containsExactly("0", "1");
    assertThat(fromFolder.healthCheck().command())
        .containsExactly("curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:41236/health");
    assertThat(fromHub.command())
        .containsExactly(
            "--model-id", "HuggingFaceTB/SmolLM2-135M-Instruct",
            "--hostname", "127.0.0.1",
            "--port", "41237",
            "--max-input-tokens", "2047",
            "--max-total-tokens", "2048");
    assertThat(fromHub.mounts()).isEmpty();
  }

  @Test
  void runsOllamaAndTgiOnlyWhenTheirImagesAreConfigured() {
    assertThat(runtime.runs(ModelServer.ENGINE_RUNNER)).isTrue();
    assertThat(runtime.runs(ModelServer.OLLAMA)).isFalse();
    assertThat(runtime.runs(ModelServer.TGI)).isFalse();
    assertThatThrownBy(
            () ->
                runtime.containerSpec(
                    new InstanceSpec(
                        "o/2",
                        "m",
                        null,
                        new EngineOptions(1024, 1, 1),
                        InstanceResources.UNLIMITED,
                        null,
                        ModelServer.OLLAMA,
                        "tiny"),
                    1))
        .hasMessageContaining("MODELYARD_DOCKER_RUNTIME_OLLAMA_IMAGE");
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
