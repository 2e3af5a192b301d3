package dev.modelyard.api.autoscaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelyard.api.errors.UnavailableException;
import dev.modelyard.infra.registry.ModelRegistry;
import dev.modelyard.testing.FreshSchema;
import dev.modelyard.workflows.TaskQueues;
import dev.modelyard.workflows.WorkflowIds;
import dev.modelyard.workflows.autoscaling.AutoscalingActivities;
import dev.modelyard.workflows.autoscaling.AutoscalingPolicy;
import dev.modelyard.workflows.autoscaling.LoadQuery;
import dev.modelyard.workflows.autoscaling.LoadSummary;
import dev.modelyard.workflows.autoscaling.ScalingRecord;
import dev.modelyard.workflows.deployments.AutoscalingAccepted;
import dev.modelyard.workflows.deployments.AutoscalingRequest;
import dev.modelyard.workflows.deployments.DeploymentInput;
import dev.modelyard.workflows.deployments.DeploymentWorkflow;
import dev.modelyard.workflows.deployments.DeploymentWorkflowImpl;
import dev.modelyard.workflows.deployments.InstanceHostActivities;
import dev.modelyard.workflows.deployments.InstanceRegistryActivities;
import dev.modelyard.workflows.deployments.InstanceView;
import dev.modelyard.workflows.deployments.NewInstance;
import dev.modelyard.workflows.deployments.ScaleRequest;
import dev.modelyard.workflows.deployments.StartInstance;
import dev.modelyard.workflows.deployments.StartedInstance;
import dev.modelyard.workflows.models.ModelFileFacts;
import dev.modelyard.workflows.models.ModelRef;
import dev.modelyard.workflows.models.ModelRegistryActivities;
import dev.modelyard.workflows.models.Provider;
import dev.modelyard.workflows.models.RegisterModel;
import dev.modelyard.workflows.models.RegisteredModel;
import dev.modelyard.workflows.placement.DeviceShare;
import dev.modelyard.workflows.placement.EstimateRequest;
import dev.modelyard.workflows.placement.MemoryEstimate;
import dev.modelyard.workflows.placement.PlacementActivities;
import dev.modelyard.workflows.placement.PlacementDecision.Placed;
import dev.modelyard.workflows.placement.ReserveRequest;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WithStartWorkflowOperation;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A request for a model scaled to zero, as the gateway's hook makes it: the deployment (in
 * Temporal's time-skipping environment) is woken, starts one instance, and the registry (the test
 * PostgreSQL) shows it routable, which ends the wait.
 */
class DeploymentColdStartsTests {

  private static final String HOST = "host-a";
  private static final AutoscalingSettings SETTINGS =
      new AutoscalingSettings(
          Duration.ofSeconds(5),
          Duration.ofHours(2),
          Duration.ofSeconds(20),
          Duration.ofMillis(20));

  private static FreshSchema schema;
  private static ModelRegistry registry;

  private TestWorkflowEnvironment env;
  private ColdStarts coldStarts;
  private ModelRef model;
  private final List<String> started = new CopyOnWriteArrayList<>();
  private volatile CountDownLatch startsMayFinish = new CountDownLatch(0);

  @BeforeAll
  static void migrate() {
    schema = new FreshSchema();
    registry = new ModelRegistry(JdbcClient.create(schema.dataSource));
    registry.recordHost(HOST, TaskQueues.host(HOST));
  }

  @AfterAll
  static void drop() {
    schema.close();
  }

  @BeforeEach
  void start() {
    // A model of its own per test, so that no test sees another's instances.
    model = new ModelRef(Provider.LOCAL_GGUF, "tiny-" + System.nanoTime());
    registry.registerModel(
        new RegisterModel(
            model,
            HOST,
            new ModelFileFacts("/models/tiny.gguf", 1, "00", "gguf", "llama", 1, "F16", 2048)));
    env = TestWorkflowEnvironment.newInstance();
    Worker runtime = env.newWorker(TaskQueues.RUNTIME);
    runtime.registerWorkflowImplementationTypes(DeploymentWorkflowImpl.class);
    runtime.registerActivitiesImplementations(
        new RegistryActivities(), new EveryPlacementFits(), new NoLoad());
    // Starts on the host queue, stops on the host's stops queue: one host, both queues.
    Object onHost = new Host();
    env.newWorker(TaskQueues.host(HOST)).registerActivitiesImplementations(onHost);
    env.newWorker(TaskQueues.stops(HOST)).registerActivitiesImplementations(onHost);
    env.start();
    coldStarts =
        new DeploymentColdStarts(
            env.getWorkflowClient(),
            registry,
            m ->
                registry.routableInstances().stream().anyMatch(i -> i.modelName().equals(m.name())),
            SETTINGS);
  }

  @AfterEach
  void stop() {
    startsMayFinish.countDown();
    env.close();
  }

  @Test
  void aRequestForAModelScaledToZeroWaitsForOneInstanceToComeUp() {
    assertThat(autoscale(AutoscalingPolicy.between(0, 2)).desiredInstances()).isZero();
    assertThat(routable()).isZero();

    assertThat(coldStarts.awaitInstance("local_gguf", model.name())).isTrue();

    assertThat(routable()).isOne();
    assertThat(started).hasSize(1);
    // The next request finds the instance there; the deployment stays at one.
    assertThat(coldStarts.awaitInstance(null, model.name())).isTrue();
    assertThat(deployment().state().desiredInstances()).isOne();
    assertThat(started).hasSize(1);
  }

  @Test
  void aRequestAFallbackServesWakesTheModelWithoutWaitingForIt() throws Exception {
    startsMayFinish = new CountDownLatch(1);
    autoscale(AutoscalingPolicy.between(0, 2));

    // Returns while the instance cannot finish starting: it waits for nothing.
    coldStarts.wakeInBackground(null, model.name());
    coldStarts.wakeInBackground(null, model.name());

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (deployment().state().desiredInstances() < 1 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(deployment().state().desiredInstances()).isOne();
    assertThat(routable()).isZero();
    startsMayFinish.countDown();
    assertThat(coldStarts.awaitInstance("local_gguf", model.name())).isTrue();
    assertThat(started).hasSize(1);
  }

  @Test
  void aModelWithoutAnAutoscaledDeploymentHasNothingToWaitFor() {
    assertThat(coldStarts.awaitInstance("local_gguf", model.name())).as("no deployment").isFalse();
    assertThat(coldStarts.awaitInstance("local_gguf", "never-registered")).isFalse();

    autoscale(AutoscalingPolicy.between(0, 2));
    deployment().scale(new ScaleRequest(0)); // by request: autoscaling off
    assertThat(
            new DeploymentColdStarts(env.getWorkflowClient(), registry, m -> false, SETTINGS)
                .awaitInstance("local_gguf", model.name()))
        .as("scaled to zero by hand")
        .isFalse();
    assertThat(started).isEmpty();
  }

  @Test
  void anInstanceThatIsNotReadyInTimeFailsTheRequestSayingWhy() {
    startsMayFinish = new CountDownLatch(1);
    autoscale(AutoscalingPolicy.between(0, 1));

    assertThatThrownBy(
            () -> coldStarts.awaitInstance("local_gguf", model.name(), Duration.ofMillis(300)))
        .isInstanceOf(UnavailableException.class)
        .hasMessageStartingWith(
            "model local_gguf/"
                + model.name()
                + " is scaled to zero and starting: no instance was ready within 0.3s;"
                + " try again shortly (status: /api/v1/local-llm/models/status?provider=local_gguf");

    startsMayFinish.countDown();
    assertThat(coldStarts.awaitInstance("local_gguf", model.name())).isTrue();
    assertThat(started).hasSize(1);
  }

  @Test
  void aBurstOfRequestsForAModelAtZeroWakesItsDeploymentOnce() throws Exception {
    startsMayFinish = new CountDownLatch(1);
    autoscale(AutoscalingPolicy.between(0, 2));
    List<Future<Boolean>> requests = new ArrayList<>();
    try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 20; i++) {
        requests.add(clients.submit(() -> coldStarts.awaitInstance("local_gguf", model.name())));
      }
      Thread.sleep(500);
      startsMayFinish.countDown();
      for (Future<Boolean> request : requests) {
        assertThat(request.get(30, TimeUnit.SECONDS)).isTrue();
      }
    }

    long wakes =
        env.getWorkflowClient().fetchHistory(WorkflowIds.deployment(model)).getEvents().stream()
            .filter(HistoryEvent::hasWorkflowExecutionUpdateAcceptedEventAttributes)
            .filter(
                e ->
                    e.getWorkflowExecutionUpdateAcceptedEventAttributes()
                        .getAcceptedRequest()
                        .getInput()
                        .getName()
                        .equals("wake"))
            .count();
    assertThat(wakes).isOne();
    assertThat(started).hasSize(1);
  }

  @Test
  void aWakeNoWorkerTakesFailsTheRequestAtItsDeadlineNotNever() {
    // A deployment whose workflow no worker runs: its wake would wait for ever.
    ModelRef orphan = new ModelRef(Provider.LOCAL_GGUF, "orphan-" + System.nanoTime());
    registry.registerModel(
        new RegisterModel(
            orphan,
            HOST,
            new ModelFileFacts("/models/tiny.gguf", 1, "00", "gguf", "llama", 1, "F16", 2048)));
    WorkflowClient.start(
        env.getWorkflowClient()
                .newWorkflowStub(
                    DeploymentWorkflow.class,
                    WorkflowOptions.newBuilder()
                        .setWorkflowId(WorkflowIds.deployment(orphan))
                        .setTaskQueue("nobody-polls-" + orphan.name())
                        .build())
            ::run,
        DeploymentInput.of(orphan));

    long began = System.nanoTime();
    assertThatThrownBy(
            () -> coldStarts.awaitInstance("local_gguf", orphan.name(), Duration.ofMillis(500)))
        .isInstanceOf(UnavailableException.class)
        .hasMessageContaining("did not answer the wake in time");
    assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(10));
  }

  private AutoscalingAccepted autoscale(AutoscalingPolicy policy) {
    DeploymentWorkflow workflow =
        env.getWorkflowClient()
            .newWorkflowStub(
                DeploymentWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(WorkflowIds.deployment(model))
                    .setTaskQueue(TaskQueues.RUNTIME)
                    .setWorkflowIdConflictPolicy(
                        WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
                    .build());
    return WorkflowClient.executeUpdateWithStart(
        workflow::autoscale,
        new AutoscalingRequest(policy),
        UpdateOptions.<AutoscalingAccepted>newBuilder().build(),
        new WithStartWorkflowOperation<>(workflow::run, DeploymentInput.of(model)));
  }

  private DeploymentWorkflow deployment() {
    return env.getWorkflowClient()
        .newWorkflowStub(DeploymentWorkflow.class, WorkflowIds.deployment(model));
  }

  private long routable() {
    return registry.routableInstances().stream()
        .filter(i -> i.modelName().equals(model.name()))
        .count();
  }

  /** The registry's activities, straight onto the real registry. */
  private static class RegistryActivities
      implements ModelRegistryActivities, InstanceRegistryActivities {

    @Override
    public String chooseHost() {
      return HOST;
    }

    @Override
    public RegisteredModel registerModel(RegisterModel request) {
      return registry.registerModel(request);
    }

    @Override
    public RegisteredModel findModel(ModelRef model) {
      return registry
          .findModel(model)
          .orElseThrow(
              () -> ApplicationFailure.newNonRetryableFailure("not registered", MODEL_NOT_FOUND));
    }

    @Override
    public InstanceView findReadyInstance(String modelId) {
      return registry.findReadyInstance(modelId).orElse(null);
    }

    @Override
    public List<InstanceView> findActiveInstances(String modelId) {
      return registry.findActiveInstances(modelId);
    }

    @Override
    public void recordStarting(NewInstance instance) {
      registry.recordStarting(instance);
    }

    @Override
    public void recordReady(StartedInstance instance) {
      registry.recordReady(instance);
    }

    @Override
    public boolean recordReadyIfStarting(StartedInstance instance) {
      return registry.recordReadyIfStarting(instance);
    }

    @Override
    public void recordFailed(String instanceId, String reason) {
      registry.recordFailed(instanceId, reason);
    }

    @Override
    public void recordStopping(String instanceId) {
      registry.recordStopping(instanceId);
    }

    @Override
    public boolean recordStoppingIfIdle(String instanceId, long idleTtlMillis) {
      return registry.recordStoppingIfIdle(instanceId, Duration.ofMillis(idleTtlMillis));
    }

    @Override
    public void recordStopped(String instanceId) {
      registry.recordStopped(instanceId);
    }
  }

  private static class EveryPlacementFits implements PlacementActivities {
    @Override
    public MemoryEstimate estimate(EstimateRequest request) {
      return new MemoryEstimate(1, 0, MemoryEstimate.OVERHEAD_BYTES);
    }

    @Override
    public Placed reserve(ReserveRequest request) {
      return new Placed(HOST, List.of(new DeviceShare("cpu", -1, request.placement().needBytes())));
    }

    @Override
    public void release(String reservationId) {}
  }

  private static class NoLoad implements AutoscalingActivities {
    @Override
    public LoadSummary modelLoad(LoadQuery query) {
      return LoadSummary.NONE;
    }

    @Override
    public void recordDecision(ScalingRecord decision) {}
  }

  private class Host implements InstanceHostActivities {
    @Override
    public StartedInstance startInstance(StartInstance request) {
      started.add(request.instanceId());
      try {
        startsMayFinish.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return new StartedInstance(request.instanceId(), "http://127.0.0.1:9");
    }

    @Override
    public void stopInstance(String instanceId) {}
  }
}
