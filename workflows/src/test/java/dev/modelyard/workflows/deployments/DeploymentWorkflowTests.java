package dev.modelyard.workflows.deployments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelyard.workflows.FakeRegistry;
import dev.modelyard.workflows.TaskQueues;
import dev.modelyard.workflows.WorkflowIds;
import dev.modelyard.workflows.autoscaling.FakeLoads;
import dev.modelyard.workflows.models.ModelRef;
import dev.modelyard.workflows.models.Provider;
import dev.modelyard.workflows.models.RegisteredModel;
import dev.modelyard.workflows.placement.DeviceMemory;
import dev.modelyard.workflows.placement.InMemoryLedger;
import dev.modelyard.workflows.placement.PlacementDecision.Placed;
import dev.modelyard.workflows.placement.ReserveRequest;
import io.temporal.activity.Activity;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WithStartWorkflowOperation;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DeploymentWorkflowTests {

  private static final String HOST = "host-a";
  private static final ModelRef TINY = new ModelRef(Provider.LOCAL_GGUF, "tiny");
  private static final long GIB = 1024L * 1024 * 1024;

  private TestWorkflowEnvironment env;
  private OrderedRegistry registry;
  // One 16 GiB GPU; every replica needs 4 GiB, so it holds four.
  private final HeldLedger ledger = new HeldLedger();
  private final List<String> started = new CopyOnWriteArrayList<>();
  private final List<String> stopped = new CopyOnWriteArrayList<>();
  private final List<StartInstance> starts = new CopyOnWriteArrayList<>();
  private volatile boolean failStarts;
  private volatile boolean unloadedWhileStarting;

  /** When set, the first stop waits for it: a stop under way when something else happens. */
  private volatile CountDownLatch firstStopHeld;

  private final AtomicInteger stopsBegun = new AtomicInteger();

  @BeforeEach
  void start() {
    env = TestWorkflowEnvironment.newInstance();
    registry = new OrderedRegistry(HOST);
    registry.models.put(TINY, new RegisteredModel("model-1", TINY, "/models/tiny.gguf", HOST));
    Worker runtime = env.newWorker(TaskQueues.RUNTIME);
    runtime.registerWorkflowImplementationTypes(DeploymentWorkflowImpl.class);
    runtime.registerActivitiesImplementations(registry, ledger, new FakeLoads());
    // Starts on the host queue, stops on the host's stops queue: one host, both queues.
    Object onHost = new FakeHost();
    env.newWorker(TaskQueues.host(HOST)).registerActivitiesImplementations(onHost);
    env.newWorker(TaskQueues.stops(HOST)).registerActivitiesImplementations(onHost);
    env.start();
  }

  @AfterEach
  void stop() {
    env.close();
  }

  @Test
  void scalingUpAndDownLeavesTheDesiredInstancesStoppingTheNewestFirst() {
    assertThat(scaleWithStart(DeploymentInput.of(TINY), 3)).isEqualTo(3);
    awaitReady(3);

    assertThat(scale(1)).isEqualTo(1);
    awaitReady(1);

    awaitUntil(() -> stopped.size() == 2);
    assertThat(stopped).containsExactly(started.get(2), started.get(1));
    assertThat(readyIds()).containsExactly(started.getFirst());
    assertThat(registry.instanceStates)
        .containsEntry(started.get(1), "stopped")
        .containsEntry(started.get(2), "stopped");
    assertThat(deployment().state().desiredInstances()).isEqualTo(1);
  }

  @Test
  void eachReplicaStartsOnItsPlacedGpuLabelledWithItsDeployment() {
    scaleWithStart(DeploymentInput.of(TINY), 2);
    awaitReady(2);

    assertThat(starts)
        .hasSize(2)
        .allSatisfy(
            start -> {
              assertThat(start.resources().gpuDeviceIds()).containsExactly("GPU-0");
              assertThat(start.deployment()).isEqualTo(WorkflowIds.deployment(TINY));
              assertThat(start.provider()).isEqualTo(Provider.LOCAL_GGUF);
            });
    assertThat(registry.recorded.values())
        .allSatisfy(
            i -> {
              assertThat(i.resources().gpuDeviceIds()).containsExactly("GPU-0");
              // Recorded so that a health restart labels the replica as this start did.
              assertThat(i.deployment()).isEqualTo(WorkflowIds.deployment(TINY));
            });
  }

  @Test
  void theValidatorRejectsCountsOutsideZeroToTheMaximum() {
    scaleWithStart(DeploymentInput.of(TINY), 1);

    assertThatThrownBy(() -> scale(-1))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("between 0 and 16")
        // The API maps exactly this type to a 400 naming desired_instances.
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            failure ->
                assertThat(failure.getType()).isEqualTo(IllegalArgumentException.class.getName()));
    assertThatThrownBy(() -> scale(DeploymentWorkflow.MAX_INSTANCES + 1))
        .isInstanceOf(WorkflowUpdateException.class);
    assertThat(scale(DeploymentWorkflow.MAX_INSTANCES)).isEqualTo(16);
    assertThat(scale(0)).isEqualTo(0);
    awaitUntil(() -> deployment().state().desiredInstances() == 0);
  }

  @Test
  void aModelRegisteredByItsUrlIsNotStartedAndTheDeploymentSaysWhy() {
    registry.models.put(TINY, new RegisteredModel("model-1", TINY, "http://10.0.0.9:8000", null));

    scaleWithStart(DeploymentInput.of(TINY), 1);

    awaitUntil(() -> deployment().state().lastFailure() != null);
    assertThat(deployment().state().lastFailure()).contains("register the URL again");
    assertThat(started).isEmpty();
    assertThat(ledger.reservations()).isEmpty();
  }

  @Test
  void aReplicaStoppedWhileItStartedIsStoppedNotMarkedReady() {
    unloadedWhileStarting = true;

    scaleWithStart(DeploymentInput.of(TINY), 1);

    // Stopped, then released: wait for both.
    awaitUntil(() -> !stopped.isEmpty() && ledger.reservations().isEmpty());
    String instanceId = started.getFirst();
    assertThat(stopped).contains(instanceId);
    assertThat(registry.instanceStates).containsEntry(instanceId, "stopped");
    awaitUntil(() -> deployment().state().lastFailure() != null);
    assertThat(deployment().state().lastFailure()).contains("stopped while it started");
    assertThat(ledger.reservations()).doesNotContainKey(instanceId);
  }

  @Test
  void anInstanceOllamaRunsOfItsOwnIsNeitherAReplicaNorStoppedByTheDeployment() {
    // What discovery records for a model Ollama has loaded itself.
    registry.instances.put(
        "ollama:tiny",
        new InstanceView(
            "ollama:tiny",
            "model-1",
            RegisterEndpointWorkflow.EXTERNAL_HOST,
            "http://127.0.0.1:11434"));
    registry.instanceStates.put("ollama:tiny", "ready");

    scaleWithStart(DeploymentInput.of(TINY), 1);
    awaitUntil(() -> started.size() == 1 && readyIds().size() == 2);
    scale(0);

    awaitUntil(() -> stopped.size() == 1 && readyIds().size() == 1);
    assertThat(stopped).containsExactly(started.getFirst());
    assertThat(readyIds()).containsExactly("ollama:tiny");
    // Its list is updated once the stop, the record and the release are done.
    awaitUntil(() -> deployment().state().instanceIds().isEmpty());
  }

  @Test
  void aCancelledDeploymentStopsItsInstances() {
    scaleWithStart(DeploymentInput.of(TINY), 2);
    awaitReady(2);

    env.getWorkflowClient().newUntypedWorkflowStub(WorkflowIds.deployment(TINY)).cancel();

    // Each instance is stopped, then recorded, then released: wait for the last of them.
    awaitUntil(() -> stopped.size() == 2 && ledger.reservations().isEmpty());
    assertThat(stopped).containsExactlyInAnyOrderElementsOf(started);
    assertThat(started)
        .allSatisfy(id -> assertThat(registry.instanceStates).containsEntry(id, "stopped"));
    assertThat(ledger.reservations()).isEmpty();
  }

  @Test
  void aDeploymentCancelledWhileItStopsAnInstanceStillStopsThemAll() {
    scaleWithStart(DeploymentInput.of(TINY), 2);
    awaitReady(2);
    firstStopHeld = new CountDownLatch(1);
    scale(1);
    awaitUntil(() -> stopsBegun.get() == 1);

    // The stop under way stays stuck: the cancellation must not wait for it.
    env.getWorkflowClient().newUntypedWorkflowStub(WorkflowIds.deployment(TINY)).cancel();

    try {
      awaitUntil(
          () ->
              started.stream().allMatch(id -> "stopped".equals(registry.instanceStates.get(id)))
                  && ledger.reservations().isEmpty());
      assertThat(stopped).containsAll(started);
      awaitUntil(
          () -> deploymentStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED);
    } finally {
      firstStopHeld.countDown();
    }
  }

  @Test
  void aDeploymentCancelledDuringItsRunsLastReservationStopsItsInstancesRatherThanContinuing() {
    ledger.holdReservation(2);
    // One reconciliation per run: the cancelled reservation is the run's last step.
    WorkflowExecution first =
        WorkflowClient.start(
            newDeployment()::run, new DeploymentInput(TINY, 0, ResourceRequirements.DEFAULTS, 1));
    scale(2);
    awaitUntil(() -> ledger.requests.size() == 2 && started.size() == 1);

    try {
      env.getWorkflowClient().newUntypedWorkflowStub(WorkflowIds.deployment(TINY)).cancel();

      awaitUntil(
          () -> deploymentStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED);
      assertThat(currentRunId()).isEqualTo(first.getRunId());
      awaitUntil(() -> ledger.reservations().isEmpty());
      assertThat(stopped).containsExactlyElementsOf(started);
      assertThat(registry.instanceStates).containsEntry(started.getFirst(), "stopped");
    } finally {
      ledger.releaseHeldReservation();
    }
  }

  @Test
  void aFailedStartIsCompensatedAndRetriedAtTheNextReconciliation() {
    failStarts = true;
    scaleWithStart(DeploymentInput.of(TINY), 1);
    awaitUntil(() -> registry.instanceStates.containsValue("failed"));
    String failed = started.getFirst();
    assertThat(started).hasSize(3).containsOnly(failed);
    assertThat(stopped).containsExactly(failed);
    assertThat(deployment().state().lastFailure()).contains("out of memory");

    failStarts = false;
    env.sleep(DeploymentWorkflowImpl.RECHECK_INTERVAL.plusSeconds(1));

    awaitReady(1);
    assertThat(readyIds()).doesNotContain(failed);
    assertThat(deployment().state().lastFailure()).isNull();
  }

  @Test
  void anInstanceThatDiedIsReplacedAtThePeriodicRecheck() {
    scaleWithStart(DeploymentInput.of(TINY), 2);
    awaitReady(2);
    String died = started.getFirst();

    registry.recordFailed(died, "process exited");
    env.sleep(DeploymentWorkflowImpl.RECHECK_INTERVAL.plusSeconds(1));

    awaitReady(2);
    assertThat(started).hasSize(3);
    assertThat(readyIds()).doesNotContain(died);
  }

  @Test
  void aDatabaseOutageLongerThanARegistryCallsAttemptsIsWaitedOutNotFatal() {
    scaleWithStart(DeploymentInput.of(TINY), 1);
    awaitReady(1);

    // PostgreSQL away for ten minutes: every registry call fails meanwhile (far more than 20
    // attempts at a call's backoff).
    registry.outageUntil(env.currentTimeMillis() + Duration.ofMinutes(10).toMillis());
    env.sleep(Duration.ofMinutes(12));

    assertThat(deploymentStatus())
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
    assertThat(scale(2)).isEqualTo(2);
    awaitReady(2);
  }

  @Test
  void continuingAsNewKeepsTheDesiredCount() {
    WorkflowExecution first =
        WorkflowClient.start(
            newDeployment()::run, new DeploymentInput(TINY, 0, ResourceRequirements.DEFAULTS, 2));
    scale(2);
    awaitReady(2);
    // Two reconciliations per run: whichever the scale woke, the re-check makes the second.
    env.sleep(DeploymentWorkflowImpl.RECHECK_INTERVAL.plusSeconds(1));

    awaitUntil(() -> !currentRunId().equals(first.getRunId()));
    assertThat(deployment().state().desiredInstances()).isEqualTo(2);
    env.sleep(DeploymentWorkflowImpl.RECHECK_INTERVAL.plusSeconds(1));
    assertThat(started).hasSize(2);
    assertThat(scale(1)).isEqualTo(1);
    awaitReady(1);
  }

  @Test
  void eachReplicaReservesMemoryBeforeItStartsAndReleasesItOnceStopped() {
    scaleWithStart(DeploymentInput.of(TINY), 3);
    awaitReady(3);

    assertThat(ledger.reservations()).containsOnlyKeys(started);
    assertThat(ledger.requests)
        .allSatisfy(r -> assertThat(r.placement().hostIds()).containsExactly(HOST));

    scale(1);
    awaitReady(1);
    awaitUntil(() -> ledger.reservations().size() == 1);
    assertThat(ledger.reservations()).containsOnlyKeys(started.getFirst());
  }

  @Test
  void aReplicaThatDoesNotFitStartsNothingAndTheRecheckAsksAgain() {
    scaleWithStart(DeploymentInput.of(TINY), 5);
    awaitReady(4);
    awaitUntil(() -> deployment().state().lastFailure() != null);

    assertThat(started).hasSize(4);
    assertThat(deployment().state().lastFailure())
        .startsWith("needs 4.00 GiB; the most free on one device is 0.00 GiB");
    assertThat(registry.instanceStates).hasSize(4);

    scale(4);
    env.sleep(DeploymentWorkflowImpl.RECHECK_INTERVAL.plusSeconds(1));
    assertThat(started).hasSize(4);
  }

  @Test
  void aFailedStartReleasesItsReservation() {
    failStarts = true;
    scaleWithStart(DeploymentInput.of(TINY), 1);
    awaitUntil(() -> registry.instanceStates.containsValue("failed"));

    awaitUntil(() -> ledger.reservations().isEmpty());
    assertThat(ledger.requests).hasSize(1);
  }

  private int scaleWithStart(DeploymentInput input, int desired) {
    DeploymentWorkflow workflow = newDeployment();
    return WorkflowClient.executeUpdateWithStart(
            workflow::scale,
            new ScaleRequest(desired),
            UpdateOptions.<ScaleAccepted>newBuilder().build(),
            new WithStartWorkflowOperation<>(workflow::run, input))
        .desiredInstances();
  }

  private int scale(int desired) {
    return deployment().scale(new ScaleRequest(desired)).desiredInstances();
  }

  private DeploymentWorkflow newDeployment() {
    return env.getWorkflowClient()
        .newWorkflowStub(
            DeploymentWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(WorkflowIds.deployment(TINY))
                .setTaskQueue(TaskQueues.RUNTIME)
                .setWorkflowIdConflictPolicy(
                    WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
                .build());
  }

  private DeploymentWorkflow deployment() {
    return env.getWorkflowClient()
        .newWorkflowStub(DeploymentWorkflow.class, WorkflowIds.deployment(TINY));
  }

  private WorkflowExecutionStatus deploymentStatus() {
    return describeDeployment().getStatus();
  }

  private String currentRunId() {
    return describeDeployment().getExecution().getRunId();
  }

  private WorkflowExecutionInfo describeDeployment() {
    return env.getWorkflowServiceStubs()
        .blockingStub()
        .describeWorkflowExecution(
            DescribeWorkflowExecutionRequest.newBuilder()
                .setNamespace(env.getNamespace())
                .setExecution(
                    WorkflowExecution.newBuilder().setWorkflowId(WorkflowIds.deployment(TINY)))
                .build())
        .getWorkflowExecutionInfo();
  }

  private List<String> readyIds() {
    return registry.instanceStates.entrySet().stream()
        .filter(e -> e.getValue().equals("ready"))
        .map(Map.Entry::getKey)
        .toList();
  }

  /** Waits for exactly this many ready instances and nothing starting or stopping. */
  private void awaitReady(int count) {
    awaitUntil(
        () ->
            readyIds().size() == count
                && !registry.instanceStates.containsValue("starting")
                && !registry.instanceStates.containsValue("stopping"));
  }

  /** Reconciliation is asynchronous to the update that asks for it. */
  private static void awaitUntil(BooleanSupplier condition) {
    Instant deadline = Instant.now().plusSeconds(15);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("condition not met in 15 seconds");
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** One 16 GiB GPU where every replica needs 4 GiB (four fit), whose nth reservation may hang. */
  private static class HeldLedger extends InMemoryLedger {

    private final CountDownLatch released = new CountDownLatch(1);
    private volatile int held;

    HeldLedger() {
      super(List.of(new DeviceMemory(HOST, "GPU-0", 0, 16 * GIB, 0)), 4 * GIB);
    }

    /** The {@code nth} reservation asked for waits until {@link #releaseHeldReservation}. */
    void holdReservation(int nth) {
      held = nth;
    }

    void releaseHeldReservation() {
      released.countDown();
    }

    @Override
    public Placed reserve(ReserveRequest request) {
      if (requests.size() + 1 == held) {
        requests.add(request);
        try {
          released.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        throw new IllegalStateException("the database went away during the reservation");
      }
      return super.reserve(request);
    }
  }

  /** The fake registry, listing active instances oldest first as the real one does. */
  private static class OrderedRegistry extends FakeRegistry {

    private final AtomicLong sequence = new AtomicLong();
    private final Map<String, Long> startOrder = new ConcurrentHashMap<>();

    OrderedRegistry(String host) {
      super(host);
    }

    @Override
    public void recordStarting(NewInstance instance) {
      startOrder.putIfAbsent(instance.instanceId(), sequence.incrementAndGet());
      super.recordStarting(instance);
    }

    private volatile long outageUntilMillis;

    /** Registry reads fail, as with PostgreSQL away, until the test environment's clock passes. */
    void outageUntil(long millis) {
      outageUntilMillis = millis;
    }

    @Override
    public List<InstanceView> findActiveInstances(String modelId) {
      if (Activity.getExecutionContext().getInfo().getCurrentAttemptScheduledTimestamp()
          < outageUntilMillis) {
        throw new IllegalStateException("Connection to 127.0.0.1:5432 refused");
      }
      return super.findActiveInstances(modelId).stream()
          // An instance put in by a test, not started through the registry, counts as oldest.
          .sorted(Comparator.comparing(i -> startOrder.getOrDefault(i.instanceId(), 0L)))
          .toList();
    }
  }

  private class FakeHost implements InstanceHostActivities {
    @Override
    public StartedInstance startInstance(StartInstance request) {
      starts.add(request);
      started.add(request.instanceId());
      if (failStarts) {
        throw new IllegalStateException("out of memory");
      }
      if (unloadedWhileStarting) {
        // What an unload running meanwhile records.
        registry.recordStopping(request.instanceId());
        registry.recordStopped(request.instanceId());
      }
      return new StartedInstance(request.instanceId(), "http://127.0.0.1:9000");
    }

    @Override
    public void stopInstance(String instanceId) {
      CountDownLatch hold = firstStopHeld;
      if (hold != null && stopsBegun.getAndIncrement() == 0) {
        try {
          hold.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      stopped.add(instanceId);
    }
  }
}
