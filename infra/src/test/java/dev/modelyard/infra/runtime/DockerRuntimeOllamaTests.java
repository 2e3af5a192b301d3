package dev.modelyard.infra.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.infra.containers.ContainerInfo;
import dev.modelyard.infra.containers.ContainerLabels;
import dev.modelyard.infra.containers.DockerEngine;
import dev.modelyard.infra.containers.DockerEngineSettings;
import dev.modelyard.infra.engine.EngineOptions;
import dev.modelyard.infra.providers.openai.ChatCompletionRequest;
import dev.modelyard.infra.providers.openai.ChatMessage;
import dev.modelyard.infra.providers.openai.OpenAiCompatibleClient;
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
 * A {@code local_ollama} model as a container of the Ollama image from the local registry, on the
 * real test engine: the Ollama in it pulls the model from the test registry and serves it.
 */
class DockerRuntimeOllamaTests {

  private static final DataSize MEMORY = DataSize.ofMegabytes(768);

  private final String hostId = "ollama-" + UUID.randomUUID().toString().substring(0, 8);
  private final OpenAiCompatibleClient client =
      new OpenAiCompatibleClient(Duration.ofSeconds(2), Duration.ofSeconds(60));
  private DockerEngine docker;
  private DockerRuntime runtime;

  @BeforeEach
  void connect() {
    docker = new DockerEngine(DockerEngineSettings.of(URI.create(TestServices.get("DOCKER_HOST"))));
    runtime =
        new DockerRuntime(
            docker,
            new DockerRuntimeSettings(
                TestServices.get("TEST_IMAGE"),
                null,
                Duration.ofMinutes(2),
                Duration.ofSeconds(60),
                Duration.ofSeconds(2),
                Duration.ofSeconds(1),
                ReconcilePolicy.ADOPT_KNOWN,
                TestImages.ollama(),
                null,
                null,
                false),
            hostId);
  }

  @AfterEach
  void removeLeftovers() throws IOException {
    runtime.close();
    docker
        .listByLabels(Map.of(ContainerLabels.HOST, hostId))
        .forEach(c -> docker.stopAndRemove(c.id(), Duration.ZERO));
    docker.close();
  }

  @Test
  void runsAnOllamaModelInTheOllamaImageThatGeneratesAndLeavesNothingOnStop() throws Exception {
    String model = TestServices.get("OLLAMA_REGISTRY_MODEL");
    assertThat(runtime.runs(ModelServer.OLLAMA)).isTrue();

    long began = System.nanoTime();
    URI endpoint = runtime.start(spec(model));
    System.out.printf(
        "DockerRuntimeOllamaTests: Ollama container start-to-ready %d ms (image and model pulled"
            + " from the local registry)%n",
        Duration.ofNanos(System.nanoTime() - began).toMillis());

    var answer =
        client.chat(
            endpoint,
            new ChatCompletionRequest(
                model, List.of(new ChatMessage("user", "Hello")), 3, 0.0, 1, false));
    assertThat(answer.usage().completionTokens()).isPositive();

    String containerId = runtime.containerId("o-1").orElseThrow();
    ContainerInfo info = docker.inspect(containerId).orElseThrow();
    assertThat(info.image()).isEqualTo(TestImages.ollama());
    assertThat(info.networkMode()).isEqualTo("host");
    assertThat(info.memoryLimitBytes()).isEqualTo(MEMORY.toBytes());
    assertThat(info.labels())
        .containsEntry(ContainerLabels.INSTANCE, "o-1")
        .containsEntry(ContainerLabels.MODEL, "model-o")
        .containsEntry(ContainerLabels.PORT, Integer.toString(endpoint.getPort()));

    runtime.stop("o-1");

    assertThat(docker.inspect(containerId)).isEmpty();
    assertThat(docker.listByLabels(Map.of(ContainerLabels.HOST, hostId))).isEmpty();
    assertThat(runtime.endpoint("o-1")).isEmpty();
  }

  private static InstanceSpec spec(String model) {
    return new InstanceSpec(
        "o-1",
        "model-o",
        null,
        EngineOptions.of(512, 1, 1),
        new InstanceResources(MEMORY, List.of()),
        null,
        ModelServer.OLLAMA,
        model + ":latest");
  }
}
