package dev.modelyard.workers.containers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.infra.containers.ContainerInfo;
import dev.modelyard.infra.containers.ContainerLabels;
import dev.modelyard.infra.containers.DockerEngine;
import dev.modelyard.infra.containers.DockerEngineSettings;
import dev.modelyard.infra.providers.openai.ChatCompletionRequest;
import dev.modelyard.infra.providers.openai.ChatMessage;
import dev.modelyard.infra.providers.openai.OpenAiCompatibleClient;
import dev.modelyard.infra.registry.ModelRegistry;
import dev.modelyard.testing.TestImages;
import dev.modelyard.testing.TestNamespace;
import dev.modelyard.testing.TestServices;
import dev.modelyard.workers.health.HealthSettings;
import dev.modelyard.workflows.TaskQueues;
import dev.modelyard.workflows.WorkflowIds;
import dev.modelyard.workflows.deployments.LoadModelRequest;
import dev.modelyard.workflows.deployments.LoadModelResult;
import dev.modelyard.workflows.deployments.LoadModelWorkflow;
import dev.modelyard.workflows.deployments.ResourceRequirements;
import dev.modelyard.workflows.deployments.UnloadModelRequest;
import dev.modelyard.workflows.deployments.UnloadModelWorkflow;
import dev.modelyard.workflows.models.ModelFileFacts;
import dev.modelyard.workflows.models.ModelRef;
import dev.modelyard.workflows.models.Provider;
import dev.modelyard.workflows.models.RegisterModel;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A {@code local_ollama} model loaded through the load workflow on a worker with the Docker runtime
 * (Temporal dev server, PostgreSQL, the real test engine): it runs in the Ollama image from the
 * local registry, whose Ollama pulls the model from the test registry, passes the readiness probe
 * naming the model, answers, and is gone after the unload.
 */
class DockerOllamaLoadTests {

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String namespace = "modelyard-ollama-load-" + run;
  private final String hostId = "ollama-load-" + run;
  private final String schema = "ollama_load_" + run;
  private final String ollamaName = TestServices.get("OLLAMA_REGISTRY_MODEL");
  private final ModelRef model = new ModelRef(Provider.LOCAL_OLLAMA, ollamaName);
  private DockerEngine docker;
  private ConfigurableApplicationContext worker;

  @BeforeEach
  void start() {
    TestNamespace.create(namespace);
    docker = new DockerEngine(DockerEngineSettings.of(URI.create(TestServices.get("DOCKER_HOST"))));
    worker =
        DockerWorker.start(
            schema,
            namespace,
            hostId,
            // Never run here: local_ollama models go to the Ollama image.
            "modelyard.docker.runtime.engine-runner-image=" + TestServices.get("TEST_IMAGE"),
            "modelyard.docker.runtime.ollama-image=" + TestImages.ollama());
  }

  @AfterEach
  void stop() {
    try {
      if (worker != null) {
        try {
          worker
              .getBean(WorkflowClient.class)
              .newUntypedWorkflowStub(worker.getBean(HealthSettings.class).workflowId())
              .terminate("test over");
        } catch (RuntimeException alreadyClosed) {
          // Nothing runs under that ID any more.
        }
        worker.close();
      }
    } finally {
      docker
          .listByLabels(Map.of(ContainerLabels.HOST, hostId))
          .forEach(c -> docker.stopAndRemove(c.id(), Duration.ZERO));
      TestNamespace.delete(namespace);
      try (var data = new com.zaxxer.hikari.HikariDataSource()) {
        data.setJdbcUrl(TestServices.get("JDBC_DATABASE_URL"));
        data.setUsername(TestServices.get("DATABASE_USER"));
        data.setPassword(TestServices.get("DATABASE_PASSWORD"));
        JdbcClient.create(data).sql("drop schema if exists " + schema + " cascade").update();
      }
    }
  }

  @Test
  @Timeout(180)
  void anOllamaModelLoadsIntoTheOllamaImageAnswersAndIsRemovedOnUnload() throws Exception {
    // Registered as an Ollama pull registers it, without touching the shared Ollama server.
    worker
        .getBean(ModelRegistry.class)
        .registerModel(
            new RegisterModel(
                model,
                hostId,
                new ModelFileFacts(
                    ollamaName + ":latest",
                    Long.parseLong(TestServices.get("HF_TEST_SIZE")),
                    TestServices.get("HF_TEST_SHA256"),
                    "ollama",
                    "llama",
                    1_000_000L,
                    "F16",
                    2048)));
    WorkflowClient client = worker.getBean(WorkflowClient.class);

    long began = System.nanoTime();
    LoadModelResult loaded =
        client
            .newWorkflowStub(
                LoadModelWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(WorkflowIds.load(model))
                    .setTaskQueue(TaskQueues.RUNTIME)
                    .build())
            .load(
                new LoadModelRequest(
                    model, new ResourceRequirements(512, 1, 1, List.of(), 768L << 20)));
    System.out.printf(
        "DockerOllamaLoadTests: load of a local_ollama model in a container, ready in %d ms%n",
        Duration.ofNanos(System.nanoTime() - began).toMillis());

    ContainerInfo info = docker.inspect(loaded.containerId()).orElseThrow();
    assertThat(info.image()).isEqualTo(TestImages.ollama());
    assertThat(info.state().running()).isTrue();
    assertThat(info.memoryLimitBytes()).isEqualTo(768L << 20);
    assertThat(info.labels()).containsEntry(ContainerLabels.INSTANCE, loaded.instanceId());
    // What the gateway sends: the model's registry name.
    var answer =
        new OpenAiCompatibleClient(Duration.ofSeconds(2), Duration.ofSeconds(60))
            .chat(
                URI.create(loaded.endpoint()),
                new ChatCompletionRequest(
                    ollamaName, List.of(new ChatMessage("user", "Hello")), 3, 0.0, 1, false));
    assertThat(answer.usage().completionTokens()).isPositive();

    client
        .newWorkflowStub(
            UnloadModelWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(WorkflowIds.unload(model))
                .setTaskQueue(TaskQueues.RUNTIME)
                .build())
        .unload(new UnloadModelRequest(model));

    assertThat(docker.inspect(loaded.containerId())).isEmpty();
    assertThat(docker.listByLabels(Map.of(ContainerLabels.HOST, hostId))).isEmpty();
  }
}
