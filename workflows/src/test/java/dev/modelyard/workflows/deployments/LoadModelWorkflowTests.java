package dev.modelyard.workflows.deployments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelyard.workflows.FakeRegistry;
import dev.modelyard.workflows.TaskQueues;
import dev.modelyard.workflows.WorkflowIds;
import dev.modelyard.workflows.models.ModelRef;
import dev.modelyard.workflows.models.Provider;
import dev.modelyard.workflows.models.RegisteredModel;
import dev.modelyard.workflows.placement.DeviceMemory;
import dev.modelyard.workflows.placement.InMemoryLedger;
import dev.modelyard.workflows.placement.PlacementActivities;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LoadModelWorkflowTests {

  private static final String HOST = "host-a";
  private static final ModelRef TINY = new ModelRef(Provider.LOCAL_GGUF, "tiny");
  private static final ModelRef BIG = new ModelRef(Provider.LOCAL_GGUF, "big");
  private static final long GIB = 1024L * 1024 * 1024;

  private TestWorkflowEnvironment env;
  private FakeRegistry registry;
  // Two 8 GiB GPUs on the model's host; every model needs 6 GiB, so each GPU holds one.
  private final InMemoryLedger ledger =
      new InMemoryLedger(
          List.of(
              new DeviceMemory(HOST, "GPU-0", 0, 8 * GIB, 0),
              new DeviceMemory(HOST, "GPU-1", 1, 8 * GIB, 0)),
          6 * GIB);
  private final List<String> started = new CopyOnWriteArrayList<>();
  private final List<String> stopped = new CopyOnWriteArrayList<>();
  // When each stop began, by the test environment's (skipped) clock, and the instance's state then.
  private final Map<String, Long> stoppedAt = new ConcurrentHashMap<>();
  private final Map<String, String> stateAtStop = new ConcurrentHashMap<>();
  private final List<StartInstance> starts = new CopyOnWriteArrayList<>();
  private volatile boolean failStarts;
  private volatile boolean unloadedWhileStarting;
  private volatile boolean failStops;
  // Set, a host's stop says it began and waits until it may end.
  private volatile CountDownLatch stopping;
  private volatile CountDownLatch stopsMayEnd;

  @BeforeEach
  void start() {
    env = TestWorkflowEnvironment.newInstance();
    registry = new FakeRegistry(HOST);
    registry.models.put(TINY, new RegisteredModel("model-1", TINY, "/models/tiny.gguf", HOST));
    Worker runtime = env.newWorker(TaskQueues.RUNTIME);
    runtime.registerWorkflowImplementationTypes(
        LoadModelWorkflowImpl.class, UnloadModelWorkflowImpl.class);
    runtime.registerActivitiesImplementations(registry, ledger);
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
  void startsAnInstanceOnTheModelsHostAndRecordsItReady() {
    LoadModelResult result = load(TINY);

    assertThat(result.alreadyLoaded()).isFalse();
    assertThat(result.hostId()).isEqualTo(HOST);
    assertThat(result.endpoint()).isEqualTo("http://127.0.0.1:9000");
    assertThat(registry.instanceStates).containsEntry(result.instanceId(), "ready");
    assertThat(started).containsExactly(result.instanceId());
  }

  @Test
  void loadingALoadedModelReturnsTheServingInstance() {
    LoadModelResult first = load(TINY);

    LoadModelResult second = load(TINY);

    assertThat(second.alreadyLoaded()).isTrue();
    assertThat(second.instanceId()).isEqualTo(first.instanceId());
    assertThat(started).hasSize(1);
  }

  @Test
  void aFailedStartIsStoppedAndRecordedFailedAfterItsRetries() {
    failStarts = true;

    assertThatThrownBy(() -> load(TINY)).isInstanceOf(WorkflowFailedException.class);

    assertThat(started).hasSize(3);
    String instanceId = started.getFirst();
    assertThat(stopped).containsExactly(instanceId);
    assertThat(registry.instanceStates).containsEntry(instanceId, "failed");
  }

  @Test
  void anUnknownModelFailsWithoutStartingAnything() {
    assertThatThrownBy(() -> load(new ModelRef(Provider.LOCAL_GGUF, "missing")))
        .isInstanceOf(WorkflowFailedException.class)
        .rootCause()
        .hasMessageContaining("not registered");
    assertThat(started).isEmpty();
    assertThat(registry.instanceStates).isEmpty();
  }

  @Test
  void aModelRegisteredByItsUrlWithNoReadyInstanceFailsForGoodWithoutStartingAnything() {
    ModelRef remote = new ModelRef(Provider.OPENAI_COMPATIBLE, "remote");
    registry.models.put(
        remote, new RegisteredModel("model-2", remote, "http://10.0.0.9:8000", null));

    assertThatThrownBy(() -> load(remote))
        .isInstanceOf(WorkflowFailedException.class)
        .rootCause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            failure -> {
              assertThat(failure.getType()).isEqualTo(LoadModelWorkflow.NOT_STARTABLE);
              assertThat(failure.isNonRetryable()).isTrue();
              assertThat(failure.getOriginalMessage()).contains("register the URL again");
            });
    assertThat(started).isEmpty();
    assertThat(ledger.reservations()).isEmpty();
  }

  @Test
  void anInstanceUnloadedWhileItStartedIsStoppedNotMarkedReady() {
    unloadedWhileStarting = true;

    assertThatThrownBy(() -> load(TINY))
        .isInstanceOf(WorkflowFailedException.class)
        .rootCause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            failure ->
                assertThat(failure.getType()).isEqualTo(LoadModelWorkflow.STOPPED_WHILE_STARTING));

    String instanceId = started.getFirst();
    assertThat(registry.instanceStates).containsEntry(instanceId, "stopped");
    assertThat(stopped).containsExactly(instanceId);
    assertThat(ledger.reservations()).isEmpty();
  }

  @Test
  void unloadingStopsEveryInstanceAndTheNextLoadStartsAFreshOne() {
    LoadModelResult loaded = load(TINY);

    UnloadModelResult unloaded = unload(TINY);

    assertThat(unloaded.stoppedInstanceIds()).containsExactly(loaded.instanceId());
    assertThat(stopped).containsExactly(loaded.instanceId());
    assertThat(registry.instanceStates).containsEntry(loaded.instanceId(), "stopped");
    assertThat(load(TINY).instanceId()).isNotEqualTo(loaded.instanceId());
  }

  @Test
  void anUnloadNamingInstancesStopsOnlyThoseAndLeavesOneStartedSince() {
    LoadModelResult seen = load(TINY);
    // Started after cleanup looked, e.g. by a deployment made meanwhile.
    registry.instances.put(
        "i-since", new InstanceView("i-since", "model-1", HOST, "http://127.0.0.1:9001"));
    registry.instanceStates.put("i-since", "ready");

    UnloadModelResult unloaded = unload(new UnloadModelRequest(TINY, List.of(seen.instanceId())));

    assertThat(unloaded.stoppedInstanceIds()).containsExactly(seen.instanceId());
    assertThat(stopped).containsExactly(seen.instanceId());
    assertThat(registry.instanceStates).containsEntry("i-since", "ready");
  }

  @Test
  void anIdleUnloadKeepsAnInstanceUsedSinceCleanupLookedAndDrainsTheOthersBeforeStopping() {
    String used = loadUsedAndIdle();
    long start = env.currentTimeMillis();

    UnloadModelResult unloaded = unload(idleUnload(used));

    assertThat(unloaded.stoppedInstanceIds()).containsExactly("i-idle");
    assertThat(unloaded.notStopped()).containsExactly(used);
    assertThat(stopped).containsExactly("i-idle");
    assertThat(registry.instanceStates)
        .containsEntry(used, "ready")
        .containsEntry("i-idle", "stopped");
    assertThat(stoppedAt.get("i-idle") - start)
        .as("requests under way on it had the drain to finish")
        .isGreaterThanOrEqualTo(UnloadModelWorkflowImpl.IDLE_DRAIN.toMillis());
    assertThat(stateAtStop)
        .as("out of routing during the drain")
        .containsEntry("i-idle", "stopping");
  }

  @Test
  void aUsersUnloadThatJoinsAnIdleUnloadStopsTheInstancesItWouldKeep() throws Exception {
    String used = loadUsedAndIdle();
    stopping = new CountDownLatch(1);
    stopsMayEnd = new CountDownLatch(1);
    UnloadModelWorkflow idle = unloadStub(TINY);
    WorkflowExecution run = WorkflowClient.start(idle::unload, idleUnload(used));
    // Nobody waits on a result here, so the test's clock moves only when told to.
    env.sleep(UnloadModelWorkflowImpl.IDLE_DRAIN.plusSeconds(1));
    assertThat(stopping.await(30, TimeUnit.SECONDS)).as("the idle instance's stop began").isTrue();

    WorkflowExecution joined = usersUnload();
    stopsMayEnd.countDown();

    assertThat(joined.getRunId()).isEqualTo(run.getRunId());
    UnloadModelResult unloaded = WorkflowStub.fromTyped(idle).getResult(UnloadModelResult.class);
    assertThat(unloaded.stoppedInstanceIds()).containsExactlyInAnyOrder("i-idle", used);
    assertThat(unloaded.notStopped()).isEmpty();
    assertThat(registry.instanceStates)
        .containsEntry(used, "stopped")
        .containsEntry("i-idle", "stopped");
  }

  @Test
  void aUsersUnloadJoiningDuringTheDrainEndsItAndStopsEveryInstance() throws Exception {
    String used = loadUsedAndIdle();
    UnloadModelWorkflow idle = unloadStub(TINY);
    WorkflowClient.start(idle::unload, idleUnload(used));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!"draining".equals(idle.phase()) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(idle.phase()).as("the signal must come during the drain").isEqualTo("draining");
    long drainBegan = env.currentTimeMillis();

    usersUnload();
    UnloadModelResult unloaded = WorkflowStub.fromTyped(idle).getResult(UnloadModelResult.class);

    assertThat(unloaded.stoppedInstanceIds()).containsExactlyInAnyOrder("i-idle", used);
    assertThat(stoppedAt.get("i-idle") - drainBegan)
        .as("the user's unload does not wait out the idle unload's drain")
        .isLessThan(UnloadModelWorkflowImpl.IDLE_DRAIN.toMillis() / 2);
  }

  @Test
  void anInstanceItsHostDoesNotStopIsRecordedFailedAndReleasedNotLeftStopping() {
    LoadModelResult loaded = load(TINY);
    failStops = true;

    assertThatThrownBy(() -> unload(TINY))
        .isInstanceOf(WorkflowFailedException.class)
        .rootCause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            failure ->
                assertThat(failure.getType()).isEqualTo(UnloadModelWorkflowImpl.STOPS_FAILED));

    assertThat(registry.instanceStates).containsEntry(loaded.instanceId(), "failed");
    assertThat(ledger.reservations()).isEmpty();
  }

  @Test
  void anUnloadCancelledWhileAnInstanceStopsFinishesThatOneAndStopsNoOther() throws Exception {
    LoadModelResult loaded = load(TINY);
    registry.instances.put(
        "i-other", new InstanceView("i-other", "model-1", HOST, "http://127.0.0.1:9001"));
    registry.instanceStates.put("i-other", "ready");
    stopping = new CountDownLatch(1);
    stopsMayEnd = new CountDownLatch(1);
    UnloadModelWorkflow workflow =
        env.getWorkflowClient()
            .newWorkflowStub(
                UnloadModelWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(WorkflowIds.unload(TINY))
                    .setTaskQueue(TaskQueues.RUNTIME)
                    .build());
    WorkflowClient.start(workflow::unload, new UnloadModelRequest(TINY));
    assertThat(stopping.await(10, TimeUnit.SECONDS)).isTrue();
    String first = stopped.isEmpty() ? null : stopped.getFirst();
    assertThat(first).as("the host's stop is under way, not done").isNull();

    WorkflowStub.fromTyped(workflow).cancel();
    CancelRequests.awaitSeenBy(env.getWorkflowClient(), WorkflowIds.unload(TINY));
    stopsMayEnd.countDown();

    assertThatThrownBy(() -> WorkflowStub.fromTyped(workflow).getResult(UnloadModelResult.class))
        .isInstanceOf(WorkflowFailedException.class)
        .cause()
        .isInstanceOf(CanceledFailure.class);
    assertThat(stopped).hasSize(1);
    String stoppedOne = stopped.getFirst();
    String otherOne = stoppedOne.equals("i-other") ? loaded.instanceId() : "i-other";
    assertThat(registry.instanceStates)
        .containsEntry(stoppedOne, "stopped")
        .containsEntry(otherOne, "ready");
    assertThat(ledger.reservations()).doesNotContainKey(stoppedOne);
  }

  @Test
  void unloadingAModelRegisteredByItsUrlTakesItOutOfRoutingWithoutAHostToStopIt() {
    ModelRef remote = new ModelRef(Provider.OPENAI_COMPATIBLE, "remote");
    registry.models.put(
        remote, new RegisteredModel("model-2", remote, "http://10.0.0.9:8000", null));
    registry.recordStarting(
        new NewInstance(
            "remote-1",
            "model-2",
            RegisterEndpointWorkflow.EXTERNAL_HOST,
            ResourceRequirements.DEFAULTS));
    registry.recordReady(new StartedInstance("remote-1", "http://10.0.0.9:8000"));

    UnloadModelResult unloaded = unload(remote);

    assertThat(unloaded.stoppedInstanceIds()).containsExactly("remote-1");
    assertThat(registry.instanceStates).containsEntry("remote-1", "stopped");
    assertThat(stopped).isEmpty();
  }

  @Test
  void unloadingAModelThatIsNotLoadedStopsNothing() {
    assertThat(unload(TINY).stoppedInstanceIds()).isEmpty();
    assertThat(stopped).isEmpty();
  }

  @Test
  void aLoadReservesMemoryOnTheModelsHostBeforeItStarts() {
    LoadModelResult result = load(TINY);

    assertThat(ledger.reservations()).containsOnlyKeys(result.instanceId());
    assertThat(ledger.reservations().get(result.instanceId()).hostId()).isEqualTo(HOST);
    assertThat(ledger.requests.getFirst().placement().hostIds()).containsExactly(HOST);
  }

  @Test
  void aFailedStartReleasesItsReservation() {
    failStarts = true;

    assertThatThrownBy(() -> load(TINY)).isInstanceOf(WorkflowFailedException.class);

    assertThat(started).hasSize(3);
    assertThat(ledger.requests).hasSize(1);
    assertThat(ledger.reservations()).isEmpty();
    assertThat(registry.instanceStates).containsEntry(started.getFirst(), "failed");
  }

  @Test
  void whenNothingFitsTheLoadFailsAsRefusedWithoutStartingAnything() {
    // Each GPU holds one 6 GiB model: two loads fill both, the third fits nowhere.
    ModelRef other = new ModelRef(Provider.LOCAL_GGUF, "other");
    registry.models.put(other, new RegisteredModel("model-2", other, "/models/other.gguf", HOST));
    registry.models.put(BIG, new RegisteredModel("model-3", BIG, "/models/big.gguf", HOST));
    load(TINY);
    load(other);

    assertThatThrownBy(() -> load(BIG))
        .isInstanceOf(WorkflowFailedException.class)
        .cause()
        .isInstanceOfSatisfying(
            ActivityFailure.class,
            failure ->
                assertThat(failure.getCause())
                    .isInstanceOfSatisfying(
                        ApplicationFailure.class,
                        refused -> {
                          assertThat(refused.getType())
                              .isEqualTo(PlacementActivities.PLACEMENT_REFUSED);
                          assertThat(refused.getOriginalMessage())
                              .startsWith(
                                  "needs 6.00 GiB; the most free on one device is 2.00 GiB");
                        }));
    assertThat(started).hasSize(2);
    assertThat(ledger.reservations()).hasSize(2);
    assertThat(registry.instanceStates).hasSize(2);
  }

  @Test
  void explicitGpuIdsReachTheLedgerAndTheStartAsTheGpusUuid() {
    LoadModelResult result = load(TINY, new ResourceRequirements(null, null, null, List.of("1")));

    assertThat(ledger.reservations().get(result.instanceId()).deviceIds()).containsExactly("GPU-1");
    assertThat(starts.getFirst().resources().gpuDeviceIds()).containsExactly("GPU-1");
  }

  @Test
  void theGpuChosenByPlacementIsTheOneTheInstanceStartsOnAndIsRecordedWith() {
    ModelRef other = new ModelRef(Provider.LOCAL_OLLAMA, "other");
    registry.models.put(other, new RegisteredModel("model-2", other, "other:latest", HOST));
    // Best fit: the first load takes GPU-0, so the second fits only on GPU-1.
    LoadModelResult first = load(TINY);
    LoadModelResult second = load(other, new ResourceRequirements(2048, 2, 1, List.of(), 1L << 30));

    assertThat(starts)
        .extracting(StartInstance::instanceId)
        .containsExactly(first.instanceId(), second.instanceId());
    assertThat(starts.getFirst().resources().gpuDeviceIds()).containsExactly("GPU-0");
    StartInstance onSecond = starts.get(1);
    assertThat(onSecond.resources())
        .as("the placed GPU added, the rest as asked")
        .isEqualTo(new ResourceRequirements(2048, 2, 1, List.of("GPU-1"), 1L << 30));
    assertThat(onSecond.provider()).isEqualTo(Provider.LOCAL_OLLAMA);
    assertThat(onSecond.modelPath()).isEqualTo("other:latest");
    assertThat(registry.recorded.get(second.instanceId()).resources().gpuDeviceIds())
        .as("recorded, so that a restart starts it on the same GPU")
        .containsExactly("GPU-1");
  }

  @Test
  void aModelPlacedInRamStartsWithoutGpus() {
    InMemoryLedger ram = new InMemoryLedger(List.of(DeviceMemory.ram(HOST, 64 * GIB, 0)), GIB);
    env.close();
    env = TestWorkflowEnvironment.newInstance();
    Worker runtime = env.newWorker(TaskQueues.RUNTIME);
    runtime.registerWorkflowImplementationTypes(LoadModelWorkflowImpl.class);
    runtime.registerActivitiesImplementations(registry, ram);
    // Starts on the host queue, stops on the host's stops queue: one host, both queues.
    Object onHost = new FakeHost();
    env.newWorker(TaskQueues.host(HOST)).registerActivitiesImplementations(onHost);
    env.newWorker(TaskQueues.stops(HOST)).registerActivitiesImplementations(onHost);
    env.start();

    load(TINY);

    assertThat(ram.reservations().values().iterator().next().deviceIds())
        .containsExactly(DeviceMemory.CPU);
    assertThat(starts.getFirst().resources().gpuDeviceIds()).isEmpty();
  }

  @Test
  void unloadingReleasesTheReservationOnceTheInstanceIsStopped() {
    LoadModelResult loaded = load(TINY);

    unload(TINY);

    assertThat(stopped).containsExactly(loaded.instanceId());
    assertThat(ledger.reservations()).isEmpty();
  }

  @Test
  void eachHostCallIsScheduledWithASummaryForTemporalsUi() {
    LoadModelResult result = load(TINY);
    unload(TINY);
    String instance = result.instanceId().substring(0, 8);

    assertThat(activitySummaries(WorkflowIds.load(TINY)))
        .contains("start tiny (instance " + instance + ") on host-a");
    assertThat(activitySummaries(WorkflowIds.unload(TINY)))
        .contains("stop instance " + instance + " on host-a");
  }

  /** What the history's ActivityTaskScheduled events carry as their user metadata's summary. */
  private List<String> activitySummaries(String workflowId) {
    return env.getWorkflowClient().fetchHistory(workflowId).getHistory().getEventsList().stream()
        .filter(HistoryEvent::hasActivityTaskScheduledEventAttributes)
        .filter(event -> event.getUserMetadata().hasSummary())
        .map(
            event ->
                DefaultDataConverter.STANDARD_INSTANCE.fromPayload(
                    event.getUserMetadata().getSummary(), String.class, String.class))
        .toList();
  }

  /**
   * Two ready instances of TINY: one used since an idle cleanup looked, one still idle ({@code
   * i-idle}); returns the used one's ID.
   */
  private String loadUsedAndIdle() {
    String used = load(TINY).instanceId();
    registry.instances.put(
        "i-idle", new InstanceView("i-idle", "model-1", HOST, "http://127.0.0.1:9001"));
    registry.instanceStates.put("i-idle", "ready");
    registry.usedSince.add(used);
    return used;
  }

  /** An idle cleanup's unload of both instances, with a TTL of an hour. */
  private static UnloadModelRequest idleUnload(String used) {
    return new UnloadModelRequest(TINY, List.of(used, "i-idle"), Duration.ofHours(1));
  }

  /** A user's unload of TINY as the API starts it: joining one under way, with the signal. */
  private WorkflowExecution usersUnload() {
    UnloadModelWorkflow users = unloadStub(TINY);
    BatchRequest startAndSignal = env.getWorkflowClient().newSignalWithStartRequest();
    startAndSignal.add(users::unload, new UnloadModelRequest(TINY));
    startAndSignal.add(users::unloadEverything);
    return env.getWorkflowClient().signalWithStart(startAndSignal);
  }

  private UnloadModelResult unload(ModelRef model) {
    return unload(new UnloadModelRequest(model));
  }

  private UnloadModelResult unload(UnloadModelRequest request) {
    return unloadStub(request.model()).unload(request);
  }

  private UnloadModelWorkflow unloadStub(ModelRef model) {
    return env.getWorkflowClient()
        .newWorkflowStub(
            UnloadModelWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(WorkflowIds.unload(model))
                .setTaskQueue(TaskQueues.RUNTIME)
                .setWorkflowIdConflictPolicy(
                    WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
                .build());
  }

  private LoadModelResult load(ModelRef model) {
    return load(model, null);
  }

  private LoadModelResult load(ModelRef model, ResourceRequirements resources) {
    LoadModelWorkflow workflow =
        env.getWorkflowClient()
            .newWorkflowStub(
                LoadModelWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(WorkflowIds.load(model))
                    .setTaskQueue(TaskQueues.RUNTIME)
                    .build());
    return workflow.load(new LoadModelRequest(model, resources));
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
      stoppedAt.put(instanceId, env.currentTimeMillis());
      stateAtStop.put(instanceId, registry.instanceStates.get(instanceId));
      if (failStops) {
        throw new IllegalStateException("the host is gone");
      }
      if (stopping != null) {
        stopping.countDown();
        try {
          stopsMayEnd.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
      stopped.add(instanceId);
    }
  }
}
