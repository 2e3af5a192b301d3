package dev.modelyard.workers.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.infra.providers.openai.ChatCompletionRequest;
import dev.modelyard.infra.providers.openai.ChatCompletionResponse;
import dev.modelyard.infra.providers.openai.ChatMessage;
import dev.modelyard.infra.providers.openai.OpenAiCompatibleClient;
import dev.modelyard.infra.registry.InstanceHealthEvent;
import dev.modelyard.infra.registry.InstanceHealthRegistry;
import dev.modelyard.infra.registry.ModelRegistry;
import dev.modelyard.infra.registry.RoutableInstance;
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
import dev.modelyard.workflows.health.HealthCheckWorkflow;
import dev.modelyard.workflows.health.HealthSnapshot;
import dev.modelyard.workflows.health.InstanceHealth;
import dev.modelyard.workflows.models.ModelRef;
import dev.modelyard.workflows.models.Provider;
import dev.modelyard.workflows.models.PullModelRequest;
import dev.modelyard.workflows.models.PullModelWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The health loop of the worker application against the real Temporal dev server and PostgreSQL: a
 * real model instance is killed (its runner stopped, as a crash would) and comes back by itself.
 */
@SpringBootTest(classes = WorkersApplication.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class HealthChecksOnTemporalDevServerTests {

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String SCHEMA = "health_" + RUN;
  private static final String NAMESPACE = "modelyard-health-" + RUN;

  @DynamicPropertySource
  static void services(DynamicPropertyRegistry properties) {
    TestNamespace.create(NAMESPACE);
    FreshSchemaProperties.register(properties, SCHEMA);
    properties.add("modelyard.temporal.address", () -> TestServices.get("TEMPORAL_ADDRESS"));
    properties.add("modelyard.temporal.namespace", () -> NAMESPACE);
    properties.add("modelyard.host-id", () -> "test-" + RUN);
    properties.add("modelyard.health.deployment", () -> "test-" + RUN);
    properties.add("modelyard.health.interval", () -> "1s");
    properties.add("modelyard.health.suspect-interval", () -> "1s");
    properties.add("modelyard.health.restart.initial-backoff", () -> "1s");
    // Should this JVM die mid-test, its loop ends by itself.
    properties.add("modelyard.health.execution-timeout", () -> "10m");
  }

  @Autowired WorkflowClient client;
  @Autowired ModelRegistry registry;
  @Autowired InstanceHealthRegistry health;
  @Autowired ModelRuntime runtime;
  @Autowired HealthSettings settings;

  private final OpenAiCompatibleClient openAi =
      new OpenAiCompatibleClient(Duration.ofSeconds(2), Duration.ofSeconds(30));

  @AfterAll
  static void endLoop(@Autowired WorkflowClient client, @Autowired HealthSettings settings) {
    client.newUntypedWorkflowStub(settings.workflowId()).terminate("test over");
  }

  @Test
  @Timeout(180)
  void aKilledInstanceIsRestartedAutomaticallyAndAnswersAGenerationAgain() throws Exception {
    loop()
        .reconfigure(settings.policy().withInterval(Duration.ofSeconds(1), Duration.ofSeconds(1)));
    LoadModelResult loaded = load("tiny-a-" + RUN);
    awaitProbedHealthy(loaded.instanceId());

    Duration downFor = killAndAwaitBack(loaded);

    System.out.printf("kill -> healthy again, 1 s interval: %d ms%n", downFor.toMillis());
    assertThat(health.events(loaded.instanceId()))
        .extracting(InstanceHealthEvent::kind)
        .containsSubsequence(
            InstanceHealthRegistry.BECAME_UNHEALTHY,
            InstanceHealthRegistry.RESTART_STARTED,
            InstanceHealthRegistry.RESTARTED);
    assertThat(health.events(loaded.instanceId()))
        .filteredOn(e -> e.kind().equals(InstanceHealthRegistry.RESTART_STARTED))
        .singleElement()
        .satisfies(e -> assertThat(e.detail()).contains("3 failed probes in a row"));
    assertThat(routable(loaded.instanceId()))
        .hasValueSatisfying(i -> assertThat(i.healthScore()).isEqualTo(100));
    assertThat(downFor).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  @Timeout(180)
  void withAFiveSecondIntervalAKilledInstanceIsHealthyAgainWithinFifteenSeconds() throws Exception {
    LoadModelResult loaded = load("tiny-b-" + RUN);
    loop()
        .reconfigure(settings.policy().withInterval(Duration.ofSeconds(5), Duration.ofSeconds(1)));
    awaitProbedHealthy(loaded.instanceId());

    Duration withFastReprobe = killAndAwaitBack(loaded);

    // The same without probing a failing instance sooner: K rounds of the full interval.
    loop()
        .reconfigure(settings.policy().withInterval(Duration.ofSeconds(5), Duration.ofSeconds(5)));
    awaitProbedHealthy(loaded.instanceId());
    Duration withoutFastReprobe = killAndAwaitBack(currentOf(loaded));

    System.out.printf(
        "kill -> healthy again, 5 s interval: %d ms (failing instances re-probed every 1 s),"
            + " %d ms (every 5 s)%n",
        withFastReprobe.toMillis(), withoutFastReprobe.toMillis());
    assertThat(withFastReprobe).isLessThan(Duration.ofSeconds(15));
    assertThat(withoutFastReprobe).isLessThan(Duration.ofSeconds(25));
  }

  /** Stops the instance's runner as a crash would, then waits until it is back and answering. */
  private Duration killAndAwaitBack(LoadModelResult loaded) throws Exception {
    String id = loaded.instanceId();
    int restartsBefore = restarts(id);
    long killedAt = System.nanoTime();
    runtime.stop(id);

    String endpoint =
        await(
            Duration.ofSeconds(40),
            () ->
                restarts(id) > restartsBefore
                    ? routable(id).filter(i -> i.healthScore() == 100).map(i -> i.endpoint())
                    : Optional.<String>empty());
    ChatCompletionResponse answer =
        openAi.chat(
            URI.create(endpoint),
            new ChatCompletionRequest(
                null, List.of(new ChatMessage("user", "Hello")), 4, 0.0, 1, false));
    Duration downFor = Duration.ofNanos(System.nanoTime() - killedAt);
    assertThat(answer.usage().completionTokens()).isPositive();
    assertThat(runtime.endpoint(id)).contains(URI.create(endpoint));
    return downFor;
  }

  /** Waits until the loop has probed the instance and found it fully healthy. */
  private void awaitProbedHealthy(String instanceId) throws InterruptedException {
    HealthCheckWorkflow loop = loop();
    await(
        Duration.ofSeconds(30),
        () -> {
          HealthSnapshot snapshot = loop.snapshot();
          InstanceHealth known = snapshot.instances().get(instanceId);
          return known != null
                  && !known.samples().isEmpty()
                  && known.consecutiveFailures() == 0
                  && !snapshot.restarting().contains(instanceId)
              ? Optional.of(true)
              : Optional.empty();
        });
  }

  private LoadModelResult load(String name) {
    ModelRef model = new ModelRef(Provider.LOCAL_GGUF, name);
    stub(PullModelWorkflow.class, WorkflowIds.pull(model), TaskQueues.PULLS)
        .pull(new PullModelRequest(model, TestServices.tinyModel().toString(), 5, null));
    return stub(LoadModelWorkflow.class, WorkflowIds.load(model), TaskQueues.RUNTIME)
        .load(new LoadModelRequest(model, null));
  }

  private LoadModelResult currentOf(LoadModelResult loaded) {
    String endpoint = routable(loaded.instanceId()).orElseThrow().endpoint();
    return new LoadModelResult(loaded.instanceId(), endpoint, loaded.hostId(), true);
  }

  private int restarts(String instanceId) {
    return (int)
        health.events(instanceId).stream()
            .filter(e -> e.kind().equals(InstanceHealthRegistry.RESTARTED))
            .count();
  }

  private Optional<RoutableInstance> routable(String instanceId) {
    return registry.routableInstances().stream()
        .filter(i -> i.instanceId().equals(instanceId))
        .filter(i -> "ready".equals(state(instanceId)))
        .findFirst();
  }

  private String state(String instanceId) {
    return registry.listModels().stream()
        .flatMap(m -> m.instances().stream())
        .filter(i -> i.instanceId().equals(instanceId))
        .map(i -> i.state())
        .findFirst()
        .orElse("gone");
  }

  private HealthCheckWorkflow loop() throws InterruptedException {
    // The worker starts the loop in the background once it is up; wait until it exists.
    await(
        Duration.ofSeconds(30),
        () -> {
          try {
            client.newUntypedWorkflowStub(settings.workflowId()).describe();
            return Optional.of(true);
          } catch (WorkflowNotFoundException e) {
            return Optional.empty();
          }
        });
    return client.newWorkflowStub(HealthCheckWorkflow.class, settings.workflowId());
  }

  private static <T> T await(Duration limit, Supplier<Optional<T>> check)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(limit);
    while (Instant.now().isBefore(deadline)) {
      Optional<T> value = check.get();
      if (value.isPresent()) {
        return value.get();
      }
      Thread.sleep(50);
    }
    throw new AssertionError("not within " + limit);
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
