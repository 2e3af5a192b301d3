package dev.modelyard.workers.containers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.infra.containers.ContainerLabels;
import dev.modelyard.infra.containers.ContainerSummary;
import dev.modelyard.infra.containers.DockerEngine;
import dev.modelyard.infra.containers.DockerEngineSettings;
import dev.modelyard.infra.registry.InstanceHealthEvent;
import dev.modelyard.infra.registry.InstanceHealthRegistry;
import dev.modelyard.infra.registry.ModelRegistry;
import dev.modelyard.infra.registry.RoutableInstance;
import dev.modelyard.testing.TestImages;
import dev.modelyard.testing.TestNamespace;
import dev.modelyard.testing.TestServices;
import dev.modelyard.workers.WorkersApplication;
import dev.modelyard.workers.health.HealthSettings;
import dev.modelyard.workers.models.WorkerProcess;
import dev.modelyard.workflows.TaskQueues;
import dev.modelyard.workflows.WorkflowIds;
import dev.modelyard.workflows.deployments.LoadModelRequest;
import dev.modelyard.workflows.deployments.LoadModelResult;
import dev.modelyard.workflows.deployments.LoadModelWorkflow;
import dev.modelyard.workflows.deployments.ResourceRequirements;
import dev.modelyard.workflows.models.ModelRef;
import dev.modelyard.workflows.models.Provider;
import dev.modelyard.workflows.models.PullModelRequest;
import dev.modelyard.workflows.models.PullModelWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A worker on the Docker runtime killed with SIGKILL leaves its containers running. The next worker
 * of the host adopts the ones the registry knows (no second container), removes the ones it does
 * not, and marks ready instances whose container is gone, which the health loop then restarts.
 */
class ContainerReconciliationTests {

  private static final Path WORK_DIR = Path.of("target", "reconcile-tests").toAbsolutePath();

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String namespace = "modelyard-reconcile-" + run;
  private final String hostId = "reconcile-" + run;
  private DockerEngine docker;
  private WorkflowServiceStubs stubs;

  @BeforeEach
  void connect() {
    TestNamespace.create(namespace);
    docker = new DockerEngine(DockerEngineSettings.of(URI.create(TestServices.get("DOCKER_HOST"))));
    stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder()
                .setTarget(TestServices.get("TEMPORAL_ADDRESS"))
                .build());
  }

  @AfterEach
  void cleanUp() throws Exception {
    labelled().forEach(c -> docker.stopAndRemove(c.id(), Duration.ZERO));
    docker.close();
    stubs.shutdownNow();
    TestNamespace.delete(namespace);
  }

  @Test
  @Timeout(300)
  void aRestartedWorkerAdoptsRunningContainersAndTheHealthLoopRestartsTheLostOnes()
      throws Exception {
    WorkflowClient client =
        WorkflowClient.newInstance(
            stubs, WorkflowClientOptions.newBuilder().setNamespace(namespace).build());
    LoadModelResult kept;
    LoadModelResult lost;
    try (WorkerProcess before =
        WorkerProcess.start(properties(), WORK_DIR.resolve(hostId + "-before.log"))) {
      kept = load(client, "tiny-kept-" + run);
      lost = load(client, "tiny-lost-" + run);
      before.kill();
    }
    assertThat(kept.containerId()).isNotNull();
    // The worker is gone, its containers are not; one of them then dies as well.
    assertThat(labelled()).hasSize(2);
    docker.stopAndRemove(lost.containerId(), Duration.ZERO);

    try (ConfigurableApplicationContext after =
        new SpringApplicationBuilder(WorkersApplication.class)
            .properties(toArray(properties()))
            .run()) {
      ContainerReconciliation reconciliation = after.getBean(ContainerReconciliation.class);
      assertThat(reconciliation.report().adopted()).containsExactly(kept.instanceId());
      InstanceHealthRegistry health = after.getBean(InstanceHealthRegistry.class);
      assertThat(health.events(lost.instanceId()))
          .extracting(InstanceHealthEvent::kind)
          .contains(InstanceHealthRegistry.CONTAINER_GONE);

      long began = System.nanoTime();
      String endpoint = awaitRestarted(after.getBean(ModelRegistry.class), health, lost);
      System.out.printf(
          "ContainerReconciliationTests: worker up -> lost instance ready again in %d ms%n",
          Duration.ofNanos(System.nanoTime() - began).toMillis());
      assertThat(endpoint).isNotEqualTo(lost.endpoint());

      List<ContainerSummary> containers = labelled();
      assertThat(containers)
          .as("one container per instance: the adopted one kept, the lost one started anew")
          .hasSize(2)
          .extracting(c -> c.labels().get(ContainerLabels.INSTANCE))
          .containsExactlyInAnyOrder(kept.instanceId(), lost.instanceId());
      assertThat(containers).extracting(ContainerSummary::id).contains(kept.containerId());
      assertThat(health.events(kept.instanceId()))
          .extracting(InstanceHealthEvent::kind)
          .as("the adopted instance kept serving")
          .doesNotContain(InstanceHealthRegistry.RESTART_STARTED);

      after
          .getBean(WorkflowClient.class)
          .newUntypedWorkflowStub(after.getBean(HealthSettings.class).workflowId())
          .terminate("test over");
    }
    assertThat(labelled()).as("a graceful stop removes its containers").isEmpty();
  }

  private Map<String, String> properties() {
    String schema = "reconcile_" + run;
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put(
        "modelyard.database.url", TestServices.get("DATABASE_URL") + "?currentSchema=" + schema);
    properties.put("spring.flyway.schemas", schema);
    properties.put("spring.flyway.create-schemas", "true");
    properties.put("modelyard.temporal.address", TestServices.get("TEMPORAL_ADDRESS"));
    properties.put("modelyard.temporal.namespace", namespace);
    properties.put("modelyard.host-id", hostId);
    properties.put("modelyard.runtime", "docker");
    properties.put("modelyard.docker.host", TestServices.get("DOCKER_HOST"));
    properties.put("modelyard.docker.runtime.engine-runner-image", TestImages.engineRunner());
    properties.put("modelyard.health.deployment", hostId);
    properties.put("modelyard.health.interval", "1s");
    properties.put("modelyard.health.suspect-interval", "1s");
    properties.put("modelyard.health.execution-timeout", "10m");
    return properties;
  }

  private static String[] toArray(Map<String, String> properties) {
    return properties.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .toArray(String[]::new);
  }

  private List<ContainerSummary> labelled() {
    return docker.listByLabels(Map.of(ContainerLabels.HOST, hostId));
  }

  private static String awaitRestarted(
      ModelRegistry registry, InstanceHealthRegistry health, LoadModelResult lost)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      boolean restarted =
          health.events(lost.instanceId()).stream()
              .anyMatch(e -> e.kind().equals(InstanceHealthRegistry.RESTARTED));
      Optional<RoutableInstance> routable =
          registry.routableInstances().stream()
              .filter(i -> i.instanceId().equals(lost.instanceId()) && i.healthScore() == 100)
              .findFirst();
      if (restarted && routable.isPresent()) {
        return routable.get().endpoint();
      }
      Thread.sleep(100);
    }
    throw new AssertionError("instance " + lost.instanceId() + " was not restarted within 120 s");
  }

  private static LoadModelResult load(WorkflowClient client, String name) {
    ModelRef model = new ModelRef(Provider.LOCAL_GGUF, name);
    stub(client, PullModelWorkflow.class, WorkflowIds.pull(model), TaskQueues.PULLS)
        .pull(new PullModelRequest(model, TestServices.tinyModel().toString(), 5, null));
    return stub(client, LoadModelWorkflow.class, WorkflowIds.load(model), TaskQueues.RUNTIME)
        .load(
            new LoadModelRequest(
                model, new ResourceRequirements(512, 1, 1, List.of(), 512L << 20)));
  }

  private static <T> T stub(WorkflowClient client, Class<T> type, String id, String queue) {
    return client.newWorkflowStub(
        type,
        WorkflowOptions.newBuilder()
            .setWorkflowId(id)
            .setTaskQueue(queue)
            .setWorkflowExecutionTimeout(Duration.ofMinutes(3))
            .build());
  }
}
