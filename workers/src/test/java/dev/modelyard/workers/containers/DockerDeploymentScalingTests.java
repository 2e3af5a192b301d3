package dev.modelyard.workers.containers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.infra.containers.ContainerLabels;
import dev.modelyard.infra.containers.ContainerSummary;
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
import dev.modelyard.workflows.deployments.DeploymentInput;
import dev.modelyard.workflows.deployments.DeploymentWorkflow;
import dev.modelyard.workflows.deployments.InstanceView;
import dev.modelyard.workflows.deployments.ScaleAccepted;
import dev.modelyard.workflows.deployments.ScaleRequest;
import dev.modelyard.workflows.models.ModelRef;
import dev.modelyard.workflows.models.Provider;
import dev.modelyard.workflows.models.PullModelRequest;
import dev.modelyard.workflows.models.PullModelWorkflow;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WithStartWorkflowOperation;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A deployment on the Docker runtime scaled to 3 and back to 1, container by container: the worker
 * (in this JVM) on the test Temporal dev server (a namespace of its own) and PostgreSQL (a schema
 * of its own) runs one engine-runner container per replica, pulled from the local registry, on the
 * real test Docker engine.
 */
class DockerDeploymentScalingTests {

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String namespace = "modelyard-scaling-" + run;
  private final String hostId = "scaling-" + run;
  private final String schema = "scaling_" + run;
  private final ModelRef model = new ModelRef(Provider.LOCAL_GGUF, "tiny-scaled-" + run);
  private final OpenAiCompatibleClient chat =
      new OpenAiCompatibleClient(Duration.ofSeconds(2), Duration.ofSeconds(30));
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
            "modelyard.docker.runtime.engine-runner-image=" + TestImages.engineRunner(),
            "modelyard.docker.runtime.memory-limit=384MB");
  }

  @AfterEach
  void stop() throws Exception {
    try {
      if (worker != null) {
        WorkflowClient client = worker.getBean(WorkflowClient.class);
        terminate(client, WorkflowIds.deployment(model));
        terminate(client, worker.getBean(HealthSettings.class).workflowId());
        worker.close();
      }
    } finally {
      // Whatever a failed assertion left behind.
      labelled().forEach(c -> docker.stopAndRemove(c.id(), Duration.ZERO));
      docker.close();
      TestNamespace.delete(namespace);
      dropSchema();
    }
  }

  @Test
  @Timeout(300)
  void scalingToThreeRunsThreeLabelledContainersThatAnswerAndBackToOneRemovesTheOthers()
      throws Exception {
    WorkflowClient client = worker.getBean(WorkflowClient.class);
    ModelRegistry registry = worker.getBean(ModelRegistry.class);
    client
        .newWorkflowStub(
            PullModelWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(WorkflowIds.pull(model))
                .setTaskQueue(TaskQueues.PULLS)
                .build())
        .pull(new PullModelRequest(model, TestServices.tinyModel().toString(), 5, null));
    String modelId = registry.findModel(model).orElseThrow().modelId();
    Map<String, String> ofThisDeployment =
        Map.of(
            ContainerLabels.HOST, hostId,
            ContainerLabels.MODEL, modelId,
            ContainerLabels.DEPLOYMENT, WorkflowIds.deployment(model));

    long began = System.nanoTime();
    assertThat(scaleWithStart(client, 3)).isEqualTo(3);
    List<InstanceView> three = awaitReady(registry, modelId, 3);
    System.out.printf(
        "DockerDeploymentScalingTests: scale 0 -> 3 containers ready in %d ms%n",
        Duration.ofNanos(System.nanoTime() - began).toMillis());

    List<ContainerSummary> containers = docker.listByLabels(ofThisDeployment);
    assertThat(containers).hasSize(3).allSatisfy(c -> assertThat(c.state()).isEqualTo("running"));
    assertThat(containers)
        .extracting(c -> c.labels().get(ContainerLabels.INSTANCE))
        .containsExactlyInAnyOrderElementsOf(three.stream().map(InstanceView::instanceId).toList());
    for (InstanceView instance : three) {
      URI endpoint = URI.create(instance.endpoint());
      ContainerSummary its = containerOf(containers, instance.instanceId());
      assertThat(its.labels()).containsEntry(ContainerLabels.PORT, "" + endpoint.getPort());
      assertThat(generate(endpoint)).as("instance %s answers", instance.instanceId()).isPositive();
    }

    began = System.nanoTime();
    assertThat(deployment(client).scale(new ScaleRequest(1)).desiredInstances()).isOne();
    List<InstanceView> one = awaitReady(registry, modelId, 1);
    List<ContainerSummary> left =
        awaitUntil(
            () -> docker.listByLabels(ofThisDeployment),
            listed -> listed.size() == 1,
            "exactly one container of the deployment, running or not");
    System.out.printf(
        "DockerDeploymentScalingTests: scale 3 -> 1, two containers removed in %d ms%n",
        Duration.ofNanos(System.nanoTime() - began).toMillis());

    assertThat(left.getFirst().labels())
        .containsEntry(ContainerLabels.INSTANCE, one.getFirst().instanceId());
    assertThat(left.getFirst().state()).isEqualTo("running");
    assertThat(generate(URI.create(one.getFirst().endpoint()))).isPositive();
    Set<String> removed =
        containers.stream()
            .map(ContainerSummary::id)
            .filter(id -> !id.equals(left.getFirst().id()))
            .collect(Collectors.toSet());
    assertThat(removed).hasSize(2);
    assertThat(removed)
        .as("removed, not just stopped: docker ps -a no longer lists them")
        .allSatisfy(id -> assertThat(docker.inspect(id)).isEmpty());
    assertThat(labelled()).as("nothing else on this host").hasSize(1);
  }

  private int scaleWithStart(WorkflowClient client, int desired) {
    DeploymentWorkflow workflow =
        client.newWorkflowStub(
            DeploymentWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(WorkflowIds.deployment(model))
                .setTaskQueue(TaskQueues.RUNTIME)
                .setWorkflowIdConflictPolicy(
                    WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
                .build());
    return WorkflowClient.executeUpdateWithStart(
            workflow::scale,
            new ScaleRequest(desired),
            UpdateOptions.<ScaleAccepted>newBuilder().build(),
            new WithStartWorkflowOperation<>(workflow::run, DeploymentInput.of(model)))
        .desiredInstances();
  }

  private DeploymentWorkflow deployment(WorkflowClient client) {
    return client.newWorkflowStub(DeploymentWorkflow.class, WorkflowIds.deployment(model));
  }

  /** Exactly {@code count} active instances, every one ready with its endpoint. */
  private static List<InstanceView> awaitReady(ModelRegistry registry, String modelId, int count)
      throws InterruptedException {
    return awaitUntil(
        () -> registry.findActiveInstances(modelId),
        active -> active.size() == count && active.stream().allMatch(i -> i.endpoint() != null),
        count + " ready instances");
  }

  private static <T> T awaitUntil(
      Supplier<T> read, java.util.function.Predicate<T> done, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    T value = read.get();
    while (!done.test(value)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not " + what + " within 180 s: " + value);
      }
      Thread.sleep(200);
      value = read.get();
    }
    return value;
  }

  private static ContainerSummary containerOf(List<ContainerSummary> containers, String instance) {
    return containers.stream()
        .filter(c -> instance.equals(c.labels().get(ContainerLabels.INSTANCE)))
        .findFirst()
        .orElseThrow();
  }

  private int generate(URI endpoint) throws Exception {
    return chat.chat(
            endpoint,
            new ChatCompletionRequest(
                null, List.of(new ChatMessage("user", "Hello")), 3, 0.0, 1, false))
        .usage()
        .completionTokens();
  }

  private List<ContainerSummary> labelled() {
    return docker.listByLabels(Map.of(ContainerLabels.HOST, hostId));
  }

  private static void terminate(WorkflowClient client, String workflowId) {
    try {
      client.newUntypedWorkflowStub(workflowId).terminate("test over");
    } catch (RuntimeException alreadyClosed) {
      // Nothing runs under that ID any more.
    }
  }

  private void dropSchema() {
    try (var data = new com.zaxxer.hikari.HikariDataSource()) {
      data.setJdbcUrl(TestServices.get("JDBC_DATABASE_URL"));
      data.setUsername(TestServices.get("DATABASE_USER"));
      data.setPassword(TestServices.get("DATABASE_PASSWORD"));
      JdbcClient.create(data).sql("drop schema if exists " + schema + " cascade").update();
    }
  }
}
