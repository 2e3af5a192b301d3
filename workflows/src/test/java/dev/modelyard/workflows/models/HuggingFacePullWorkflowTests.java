package dev.modelyard.workflows.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.util.Durations;
import dev.modelyard.workflows.FakeRegistry;
import dev.modelyard.workflows.TaskQueues;
import dev.modelyard.workflows.WorkflowIds;
import dev.modelyard.workflows.tasks.TransferProgress;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.api.history.v1.ActivityTaskScheduledEventAttributes;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.ActivityCanceledException;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The pull workflow's decisions for huggingface models, with in-memory activities. */
class HuggingFacePullWorkflowTests {

  private static final String HOST = "host-a";
  private static final String NAME = "org/repo/model.Q4_K_M.gguf";
  private static final ModelRef MODEL = new ModelRef(Provider.HUGGINGFACE, NAME);
  private static final long SIZE = 1000;

  private TestWorkflowEnvironment env;
  private FakeRegistry registry;
  private FakeHub hub;
  private final List<String> inspected = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    env = TestWorkflowEnvironment.newInstance();
    registry = new FakeRegistry(HOST);
    hub = new FakeHub();
    Worker pulls = env.newWorker(TaskQueues.PULLS);
    pulls.registerWorkflowImplementationTypes(PullModelWorkflowImpl.class);
    pulls.registerActivitiesImplementations(registry);
    // Heartbeats reach the test server at once, so a cancellation reaches the activity at once.
    for (String queue : List.of(TaskQueues.transfers(HOST), TaskQueues.host(HOST))) {
      Worker worker =
          env.newWorker(
              queue,
              WorkerOptions.newBuilder()
                  .setMaxHeartbeatThrottleInterval(Duration.ofMillis(50))
                  .build());
      worker.registerActivitiesImplementations(hub);
      if (queue.equals(TaskQueues.host(HOST))) {
        worker.registerActivitiesImplementations(new FakeFiles());
      }
    }
    env.start();
  }

  @AfterEach
  void stop() {
    env.close();
  }

  @Test
  void downloadsVerifiesInspectsAndRegistersTheFile() {
    PullModelResult result = pull(5);

    assertThat(result.hostId()).isEqualTo(HOST);
    assertThat(result.sha256()).isEqualTo(FakeHub.SHA256);
    assertThat(hub.downloads).containsExactly(new HuggingFaceFile("org/repo", "model.Q4_K_M.gguf"));
    assertThat(inspected).containsExactly("/store/org/repo/model.Q4_K_M.gguf");
    assertThat(registry.models.get(MODEL).location())
        .isEqualTo("/store/org/repo/model.Q4_K_M.gguf");
    assertThat(hub.discarded).isZero();
  }

  @Test
  void aRetriedDownloadGetsTheOffsetItsPreviousAttemptHeartbeated() {
    hub.failingAttemptsAfterHeartbeat = 2;

    pull(5);

    // Attempt 1 starts at 0 and gets to 400, attempt 2 resumes there and gets to 800.
    assertThat(hub.resumeOffsets).containsExactly(0L, 400L, 800L);
    assertThat(registry.models).containsKey(MODEL);
  }

  @Test
  void aChecksumMismatchDownloadsAgainAndThenSucceeds() {
    hub.mismatchingInstalls = 1;

    pull(5);

    assertThat(hub.downloads).hasSize(2);
    assertThat(hub.installs).hasValue(2);
    assertThat(registry.models).containsKey(MODEL);
  }

  @Test
  void checksumsThatNeverMatchFailThePullAndRegisterNothing() {
    hub.mismatchingInstalls = Integer.MAX_VALUE;

    assertThatThrownBy(() -> pull(5))
        .isInstanceOf(WorkflowFailedException.class)
        .rootCause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> assertThat(f.getType()).isEqualTo(HuggingFaceActivities.CHECKSUM_MISMATCH));
    assertThat(hub.downloads).hasSize(PullModelWorkflowImpl.MAX_DOWNLOADS);
    assertThat(inspected).isEmpty();
    assertThat(registry.models).isEmpty();
    assertThat(hub.discarded).isOne();
  }

  @Test
  void aCancelledPullStopsTheDownloadAndThenDiscardsItsPartialFile() throws Exception {
    hub.blockUntilCancelled = true;
    PullModelWorkflow workflow = newStub();
    WorkflowClient.start(workflow::pull, request(5));
    WorkflowStub stub = WorkflowStub.fromTyped(workflow);
    assertThat(hub.downloading.await(10, TimeUnit.SECONDS)).isTrue();

    stub.cancel();

    assertThatThrownBy(() -> stub.getResult(PullModelResult.class))
        .isInstanceOf(WorkflowFailedException.class)
        .hasCauseInstanceOf(CanceledFailure.class);
    // Cleanup ran after the download had noticed the cancellation, never while it still wrote.
    assertThat(hub.events).containsExactly("download cancelled", "discarded");
    assertThat(registry.models).isEmpty();
  }

  @Test
  void aMissingFileFailsAtOnceWithoutRetrying() {
    hub.missing = true;

    assertThatThrownBy(() -> pull(5))
        .isInstanceOf(WorkflowFailedException.class)
        .rootCause()
        .hasMessageContaining("has no file");
    assertThat(hub.attempts).hasValue(1);
    assertThat(registry.models).isEmpty();
  }

  @Test
  void aNameWithoutAFilePathIsRejectedBeforeAnyHostIsAsked() {
    ModelRef repoOnly = new ModelRef(Provider.HUGGINGFACE, "org/repo");

    assertThatThrownBy(() -> pull(new PullModelRequest(repoOnly, null, 5, null)))
        .isInstanceOf(WorkflowFailedException.class)
        .rootCause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo(PullModelWorkflowImpl.INVALID_MODEL_NAME);
              assertThat(f.getOriginalMessage()).contains("org/repo/file");
            });
    assertThat(hub.attempts).hasValue(0);
  }

  @Test
  void theRequestPriorityBecomesTheDownloadTaskPriority() {
    pull(10);
    assertThat(hub.priorityKeys).containsOnly(1);
  }

  @Test
  void theDefaultPriorityIsTemporalsDefaultKey() {
    pull(PullPriority.DEFAULT);
    assertThat(hub.priorityKeys).containsOnly(3);
  }

  @Test
  void downloadsWaitTheirTurnOnTheHostsTransfersQueueAndRetryUntilTheirDeadline() {
    pull(5);

    List<ActivityTaskScheduledEventAttributes> transfers =
        env.getWorkflowClient().fetchHistory(WorkflowIds.pull(MODEL)).getEvents().stream()
            .filter(HistoryEvent::hasActivityTaskScheduledEventAttributes)
            .map(HistoryEvent::getActivityTaskScheduledEventAttributes)
            .filter(a -> a.getActivityType().getName().contains("HuggingFace"))
            .toList();

    assertThat(transfers)
        .extracting(a -> a.getActivityType().getName())
        .containsExactly("DownloadHuggingFaceFile", "InstallHuggingFaceFile");
    ActivityTaskScheduledEventAttributes download = transfers.getFirst();
    assertThat(download.getTaskQueue().getName()).isEqualTo(TaskQueues.transfers(HOST));
    // No wait for a slot of its own: behind other downloads it waits as long as they take,
    // within the deadline (the server sets an unset wait to the deadline).
    assertThat(Durations.toMillis(download.getScheduleToStartTimeout()))
        .isEqualTo(PullModelWorkflowImpl.TRANSFER_DEADLINE.toMillis());
    assertThat(download.getRetryPolicy().getMaximumAttempts()).isZero();
    // Installing a finished download never waits behind other downloads.
    assertThat(transfers.getLast().getTaskQueue().getName()).isEqualTo(TaskQueues.host(HOST));
    // It may wait an hour for a slot there: timed out unpicked, the finished file was deleted.
    assertThat(Durations.toMillis(transfers.getLast().getScheduleToStartTimeout()))
        .isEqualTo(PullModelWorkflowImpl.AROUND_PICKUP.toMillis());
  }

  private PullModelResult pull(int priority) {
    return pull(request(priority));
  }

  private PullModelResult pull(PullModelRequest request) {
    return newStub(request.model()).pull(request);
  }

  private static PullModelRequest request(int priority) {
    return new PullModelRequest(MODEL, null, priority, null);
  }

  private PullModelWorkflow newStub() {
    return newStub(MODEL);
  }

  private PullModelWorkflow newStub(ModelRef model) {
    return env.getWorkflowClient()
        .newWorkflowStub(
            PullModelWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(WorkflowIds.pull(model))
                .setTaskQueue(TaskQueues.PULLS)
                .build());
  }

  /** The Hub and this host's store, in memory: a download is a number of bytes heartbeated. */
  static class FakeHub implements HuggingFaceActivities {

    static final String SHA256 = "ab".repeat(32);

    final List<HuggingFaceFile> downloads = new CopyOnWriteArrayList<>();
    final List<Long> resumeOffsets = new CopyOnWriteArrayList<>();
    final List<Integer> priorityKeys = new CopyOnWriteArrayList<>();
    final List<String> events = new CopyOnWriteArrayList<>();
    final AtomicInteger attempts = new AtomicInteger();
    final AtomicInteger installs = new AtomicInteger();
    final CountDownLatch downloading = new CountDownLatch(1);
    volatile int discarded;
    volatile int failingAttemptsAfterHeartbeat;
    volatile int mismatchingInstalls;
    volatile boolean blockUntilCancelled;
    volatile boolean missing;

    @Override
    public DownloadedFile downloadHuggingFaceFile(HuggingFaceFile file) {
      ActivityExecutionContext activity = Activity.getExecutionContext();
      attempts.incrementAndGet();
      priorityKeys.add(activity.getInfo().getPriority().getPriorityKey());
      if (missing) {
        throw ApplicationFailure.newNonRetryableFailure(
            "repository org/repo has no file model.Q4_K_M.gguf", FILE_NOT_FOUND);
      }
      long offset =
          activity
              .getHeartbeatDetails(TransferProgress.class)
              .map(TransferProgress::bytesDone)
              .orElse(0L);
      resumeOffsets.add(offset);
      if (blockUntilCancelled) {
        heartbeatUntilCancelled(activity, offset);
      }
      if (failingAttemptsAfterHeartbeat > 0) {
        failingAttemptsAfterHeartbeat--;
        activity.heartbeat(new TransferProgress(offset + 400, SIZE));
        throw new IllegalStateException("connection reset at byte " + (offset + 400));
      }
      downloads.add(file);
      return new DownloadedFile("/store/" + file + ".partial", "/store/" + file, SIZE, SHA256);
    }

    private void heartbeatUntilCancelled(ActivityExecutionContext activity, long offset) {
      downloading.countDown();
      try {
        while (true) {
          activity.heartbeat(new TransferProgress(offset, SIZE));
          Thread.sleep(20);
        }
      } catch (ActivityCanceledException e) {
        events.add("download cancelled");
        throw e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw Activity.wrap(e);
      }
    }

    @Override
    public String installHuggingFaceFile(DownloadedFile download) {
      installs.incrementAndGet();
      if (mismatchingInstalls > 0) {
        mismatchingInstalls--;
        throw ApplicationFailure.newNonRetryableFailure(
            "SHA-256 does not match; deleted", CHECKSUM_MISMATCH);
      }
      return download.finalPath();
    }

    @Override
    public void discardHuggingFaceDownload(HuggingFaceFile file) {
      discarded++;
      events.add("discarded");
    }
  }

  private class FakeFiles implements ModelFileActivities {
    @Override
    public ModelFileFacts inspectLocalFile(String path) {
      inspected.add(path);
      return new ModelFileFacts(path, SIZE, FakeHub.SHA256, "gguf", "llama", 1000, "Q4_K_M", 4096);
    }
  }
}
