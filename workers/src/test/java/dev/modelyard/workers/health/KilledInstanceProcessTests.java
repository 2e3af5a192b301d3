package dev.modelyard.workers.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.infra.providers.openai.ChatCompletionRequest;
import dev.modelyard.infra.providers.openai.ChatMessage;
import dev.modelyard.infra.providers.openai.OpenAiCompatibleClient;
import dev.modelyard.infra.registry.InstanceHealthRegistry;
import dev.modelyard.infra.registry.ModelRegistry;
import dev.modelyard.infra.runtime.LocalProcessRuntime;
import dev.modelyard.infra.runtime.ModelRuntime;
import dev.modelyard.testing.FreshSchemaProperties;
import dev.modelyard.testing.TestNamespace;
import dev.modelyard.testing.TestServices;
import dev.modelyard.workers.WorkersApplication;
import dev.modelyard.workflows.TaskQueues;
import dev.modelyard.workflows.WorkflowIds;
import dev.modelyard.workflows.deployments.LoadModelRequest;
import dev.modelyard.workflows.deployments.LoadModelResult;
import dev.modelyard.workflows.deployments.LoadModelWorkflow;
import dev.modelyard.workflows.models.ModelRef;
import dev.modelyard.workflows.models.Provider;
import dev.modelyard.workflows.models.PullModelRequest;
import dev.modelyard.workflows.models.PullModelWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * With one process per instance, {@code kill -9} of an instance's process is noticed by the health
 * loop (5 s interval) and the instance comes back in a new process, answering generations.
 */
@SpringBootTest(classes = WorkersApplication.class)
class KilledInstanceProcessTests {

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String SCHEMA = "killed_" + RUN;
  private static final String NAMESPACE = "modelyard-killed-" + RUN;

  @DynamicPropertySource
  static void services(DynamicPropertyRegistry properties) {
    TestNamespace.create(NAMESPACE);
    FreshSchemaProperties.register(properties, SCHEMA);
    properties.add("modelyard.temporal.address", () -> TestServices.get("TEMPORAL_ADDRESS"));
    properties.add("modelyard.temporal.namespace", () -> NAMESPACE);
    properties.add("modelyard.host-id", () -> "killed-" + RUN);
    properties.add("modelyard.runtime", () -> "local-process");
    properties.add("modelyard.health.interval", () -> "5s");
    properties.add("modelyard.health.suspect-interval", () -> "1s");
    properties.add("modelyard.health.restart.initial-backoff", () -> "1s");
    properties.add("modelyard.health.execution-timeout", () -> "10m");
    properties.add("modelyard.maintenance.enabled", () -> "false");
  }

  @Autowired WorkflowClient client;
  @Autowired ModelRegistry registry;
  @Autowired InstanceHealthRegistry health;
  @Autowired ModelRuntime runtime;

  @AfterAll
  static void dropNamespace() {
    TestNamespace.delete(NAMESPACE);
  }

  @Test
  @Timeout(120)
  void aKilledInstanceProcessIsReplacedByANewOneThatAnswers() throws Exception {
    ModelRef model = new ModelRef(Provider.LOCAL_GGUF, "tiny-" + RUN);
    stub(PullModelWorkflow.class, WorkflowIds.pull(model), TaskQueues.PULLS)
        .pull(new PullModelRequest(model, TestServices.tinyModel().toString(), 5, null));
    LoadModelResult loaded =
        stub(LoadModelWorkflow.class, WorkflowIds.load(model), TaskQueues.RUNTIME)
            .load(new LoadModelRequest(model, null));
    LocalProcessRuntime processes = (LocalProcessRuntime) runtime;
    ProcessHandle first = processes.process(loaded.instanceId()).orElseThrow();
    assertThat(first.pid()).isNotEqualTo(ProcessHandle.current().pid());

    Instant killedAt = Instant.now();
    first.destroyForcibly();

    URI endpoint = null;
    while (endpoint == null) {
      assertThat(Duration.between(killedAt, Instant.now())).isLessThan(Duration.ofSeconds(60));
      endpoint =
          processes
              .process(loaded.instanceId())
              .filter(p -> p.pid() != first.pid() && p.isAlive())
              .flatMap(p -> runtime.endpoint(loaded.instanceId()))
              .filter(e -> restarted(loaded.instanceId()))
              .orElse(null);
      Thread.sleep(100);
    }
    int tokens =
        new OpenAiCompatibleClient(Duration.ofSeconds(2), Duration.ofSeconds(30))
            .chat(
                endpoint,
                new ChatCompletionRequest(
                    null, List.of(new ChatMessage("user", "Hello")), 3, 0.0, 1, false))
            .usage()
            .completionTokens();
    Duration downFor = Duration.between(killedAt, Instant.now());

    System.out.printf(
        "kill -9 of an instance process -> answering again: %d ms%n", downFor.toMillis());
    assertThat(tokens).isPositive();
    assertThat(downFor).isLessThan(Duration.ofSeconds(15));
  }

  private boolean restarted(String instanceId) {
    return health.events(instanceId).stream()
        .anyMatch(e -> e.kind().equals(InstanceHealthRegistry.RESTARTED));
  }

  private <T> T stub(Class<T> type, String workflowId, String queue) {
    return client.newWorkflowStub(
        type,
        WorkflowOptions.newBuilder()
            .setWorkflowId(workflowId)
            .setTaskQueue(queue)
            .setWorkflowExecutionTimeout(Duration.ofMinutes(2))
            .build());
  }
}
