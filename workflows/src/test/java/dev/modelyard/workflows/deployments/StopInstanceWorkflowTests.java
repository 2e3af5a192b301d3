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
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What {@code DELETE /containers/{id}} runs: one instance stopped, its memory released. */
class StopInstanceWorkflowTests {

  private static final String HOST = "host-a";
  private static final ModelRef TINY = new ModelRef(Provider.LOCAL_GGUF, "tiny");
  private static final long GIB = 1024L * 1024 * 1024;

  private TestWorkflowEnvironment env;
  private FakeRegistry registry;
  private final InMemoryLedger ledger =
      new InMemoryLedger(List.of(new DeviceMemory(HOST, "ram", -1, 16 * GIB, 0)), 2 * GIB);
  private final List<String> stopped = new CopyOnWriteArrayList<>();
  // Set, the host's stop says it began and waits until it may end.
  private volatile CountDownLatch stopping;
  private final CountDownLatch stopMayEnd = new CountDownLatch(1);

  @BeforeEach
  void start() {
    env = TestWorkflowEnvironment.newInstance();
    registry = new FakeRegistry(HOST);
    registry.models.put(TINY, new RegisteredModel("model-1", TINY, "/models/tiny.gguf", HOST));
    var runtime = env.newWorker(TaskQueues.RUNTIME);
    runtime.registerWorkflowImplementationTypes(
        LoadModelWorkflowImpl.class, StopInstanceWorkflowImpl.class);
    runtime.registerActivitiesImplementations(registry, ledger);
    // Starts on the host queue, stops on the host's stops queue: one host, both queues.
    Object onHost = new ContainerHost();
    env.newWorker(TaskQueues.host(HOST)).registerActivitiesImplementations(onHost);
    env.newWorker(TaskQueues.stops(HOST)).registerActivitiesImplementations(onHost);
    env.start();
  }

  @AfterEach
  void stop() {
    env.close();
  }

  @Test
  void aLoadReportsItsContainerAndStoppingThatInstanceStopsItAndReleasesItsMemory() {
    LoadModelResult loaded =
        workflow(LoadModelWorkflow.class, WorkflowIds.load(TINY))
            .load(
                new LoadModelRequest(
                    TINY, new ResourceRequirements(512, 1, 1, List.of(), 512L << 20)));
    assertThat(loaded.containerId()).isEqualTo("container-of-" + loaded.instanceId());
    assertThat(ledger.reservations()).containsOnlyKeys(loaded.instanceId());

    StopInstanceResult result =
        workflow(StopInstanceWorkflow.class, WorkflowIds.stopInstance(loaded.instanceId()))
            .stop(new StopInstanceRequest(loaded.instanceId(), HOST));

    assertThat(result.instanceId()).isEqualTo(loaded.instanceId());
    assertThat(stopped).containsExactly(loaded.instanceId());
    assertThat(
            env
                .getWorkflowClient()
                .fetchHistory(WorkflowIds.stopInstance(loaded.instanceId()))
                .getEvents()
                .stream()
                .filter(e -> e.hasActivityTaskScheduledEventAttributes())
                .map(e -> e.getActivityTaskScheduledEventAttributes())
                .filter(a -> a.getActivityType().getName().equals("StopInstance"))
                .map(a -> a.getTaskQueue().getName()))
        .as("on its host's stops queue, never behind the host's starts")
        .containsExactly(TaskQueues.stops(HOST));
    assertThat(registry.instanceStates).containsEntry(loaded.instanceId(), "stopped");
    assertThat(ledger.reservations()).isEmpty();
  }

  @Test
  void aStopCancelledWhileItsHostStopsTheInstanceStillRecordsItStoppedAndReleasesItsMemory()
      throws Exception {
    LoadModelResult loaded =
        workflow(LoadModelWorkflow.class, WorkflowIds.load(TINY))
            .load(
                new LoadModelRequest(
                    TINY, new ResourceRequirements(512, 1, 1, List.of(), 512L << 20)));
    stopping = new CountDownLatch(1);
    String id = WorkflowIds.stopInstance(loaded.instanceId());
    StopInstanceWorkflow workflow = workflow(StopInstanceWorkflow.class, id);
    WorkflowClient.start(workflow::stop, new StopInstanceRequest(loaded.instanceId(), HOST));
    assertThat(stopping.await(10, TimeUnit.SECONDS)).isTrue();

    WorkflowStub.fromTyped(workflow).cancel();
    CancelRequests.awaitSeenBy(env.getWorkflowClient(), id);
    stopMayEnd.countDown();

    // The workflow ends cancelled, as asked, but not before the stop it had begun ends.
    assertThatThrownBy(() -> WorkflowStub.fromTyped(workflow).getResult(StopInstanceResult.class))
        .isInstanceOf(WorkflowFailedException.class)
        .cause()
        .isInstanceOf(CanceledFailure.class);
    assertThat(stopped).containsExactly(loaded.instanceId());
    assertThat(registry.instanceStates).containsEntry(loaded.instanceId(), "stopped");
    assertThat(ledger.reservations()).isEmpty();
  }

  private <T> T workflow(Class<T> type, String id) {
    return env.getWorkflowClient()
        .newWorkflowStub(
            type,
            WorkflowOptions.newBuilder()
                .setWorkflowId(id)
                .setTaskQueue(TaskQueues.RUNTIME)
                .build());
  }

  private final class ContainerHost implements InstanceHostActivities {

    @Override
    public StartedInstance startInstance(StartInstance request) {
      assertThat(request.resources().memoryBytes()).isEqualTo(512L << 20);
      return new StartedInstance(
          request.instanceId(), "http://127.0.0.1:9000", "container-of-" + request.instanceId());
    }

    @Override
    public void stopInstance(String instanceId) {
      if (stopping != null) {
        stopping.countDown();
        try {
          stopMayEnd.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
      stopped.add(instanceId);
    }
  }
}
