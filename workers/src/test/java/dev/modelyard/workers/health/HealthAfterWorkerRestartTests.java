package dev.modelyard.workers.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.infra.providers.openai.ChatCompletionRequest;
import dev.modelyard.infra.providers.openai.ChatMessage;
import dev.modelyard.infra.providers.openai.OpenAiCompatibleClient;
import dev.modelyard.infra.registry.InstanceHealthEvent;
import dev.modelyard.infra.registry.InstanceHealthRegistry;
import dev.modelyard.infra.registry.ModelRegistry;
import dev.modelyard.infra.registry.RoutableInstance;
import dev.modelyard.testing.TestNamespace;
import dev.modelyard.testing.TestServices;
import dev.modelyard.workers.TestWorkerProperties;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The in-process runtime's instances end with the worker: after a worker restart, the registry
 * still says ready but nothing listens. The health loop notices and starts them on the new worker.
 */
class HealthAfterWorkerRestartTests {

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String namespace = "modelyard-health-restart-" + run;

  @AfterEach
  void dropNamespace() {
    TestNamespace.delete(namespace);
  }

  @Test
  @Timeout(180)
  void instancesLostWithTheWorkerProcessAreStartedAgainByTheNextOne() throws Exception {
    TestNamespace.create(namespace);
    LoadModelResult loaded;
    try (ConfigurableApplicationContext before = worker()) {
      loaded = load(before.getBean(WorkflowClient.class), "tiny-r-" + run);
    }

    try (ConfigurableApplicationContext after = worker()) {
      ModelRegistry registry = after.getBean(ModelRegistry.class);
      InstanceHealthRegistry health = after.getBean(InstanceHealthRegistry.class);
      String endpoint = awaitRestarted(registry, health, loaded.instanceId());

      assertThat(endpoint).isNotEqualTo(loaded.endpoint());
      assertThat(
              new OpenAiCompatibleClient(Duration.ofSeconds(2), Duration.ofSeconds(30))
                  .chat(
                      URI.create(endpoint),
                      new ChatCompletionRequest(
                          null, List.of(new ChatMessage("user", "Hello")), 4, 0.0, 1, false))
                  .usage()
                  .completionTokens())
          .isPositive();
      assertThat(health.events(loaded.instanceId()))
          .extracting(InstanceHealthEvent::detail)
          .anySatisfy(detail -> assertThat(detail).contains("connection refused"));
      after
          .getBean(WorkflowClient.class)
          .newUntypedWorkflowStub(after.getBean(HealthSettings.class).workflowId())
          .terminate("test over");
    }
  }

  /** The worker application as its own process would run it, on this test's schema and queues. */
  private ConfigurableApplicationContext worker() {
    List<String> properties =
        new ArrayList<>(TestWorkerProperties.of("health_restart_" + run, namespace, "test-" + run));
    properties.addAll(
        List.of(
            "modelyard.health.interval=1s",
            "modelyard.health.suspect-interval=1s",
            "modelyard.health.execution-timeout=10m"));
    return new SpringApplicationBuilder(WorkersApplication.class)
        .properties(properties.toArray(String[]::new))
        .run();
  }

  private static String awaitRestarted(
      ModelRegistry registry, InstanceHealthRegistry health, String instanceId)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      boolean restarted =
          health.events(instanceId).stream()
              .anyMatch(e -> e.kind().equals(InstanceHealthRegistry.RESTARTED));
      Optional<RoutableInstance> routable =
          registry.routableInstances().stream()
              .filter(i -> i.instanceId().equals(instanceId) && i.healthScore() == 100)
              .findFirst();
      if (restarted && routable.isPresent()) {
        return routable.get().endpoint();
      }
      Thread.sleep(100);
    }
    throw new AssertionError("instance " + instanceId + " was not restarted within 60 s");
  }

  private static LoadModelResult load(WorkflowClient client, String name) {
    ModelRef model = new ModelRef(Provider.LOCAL_GGUF, name);
    stub(client, PullModelWorkflow.class, WorkflowIds.pull(model), TaskQueues.PULLS)
        .pull(new PullModelRequest(model, TestServices.tinyModel().toString(), 5, null));
    return stub(client, LoadModelWorkflow.class, WorkflowIds.load(model), TaskQueues.RUNTIME)
        .load(new LoadModelRequest(model, null));
  }

  private static <T> T stub(WorkflowClient client, Class<T> type, String id, String queue) {
    return client.newWorkflowStub(
        type,
        WorkflowOptions.newBuilder()
            .setWorkflowId(id)
            .setTaskQueue(queue)
            .setWorkflowExecutionTimeout(Duration.ofMinutes(2))
            .build());
  }
}
