package dev.modelyard.workflows.models;

import dev.modelyard.workflows.TaskQueues;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.Set;

public class PullModelWorkflowImpl implements PullModelWorkflow {

  static final String UNSUPPORTED_PROVIDER = "UnsupportedProvider";
  static final String INVALID_MODEL_NAME = "InvalidModelName";

  /** Downloads whose bytes fail verification are fetched afresh this many times in all. */
  static final int MAX_DOWNLOADS = 3;

  private static final Set<String> DOWNLOAD_AGAIN =
      Set.of(HuggingFaceActivities.CHECKSUM_MISMATCH, HuggingFaceActivities.DOWNLOAD_MISSING);

  private final ModelRegistryActivities registry =
      Workflow.newActivityStub(ModelRegistryActivities.class, RegistryOptions.DEFAULT);

  private String phase = "starting";

  @Override
  public PullModelResult pull(PullModelRequest request) {
    return switch (request.model().provider()) {
      case LOCAL_GGUF -> registerLocalFile(request);
      case HUGGINGFACE -> pullFromHuggingFace(request);
      case LOCAL_OLLAMA -> pullIntoOllama(request);
      default ->
          throw ApplicationFailure.newNonRetryableFailure(
              "pulling from provider "
                  + request.model().provider().wireName()
                  + " is not supported",
              UNSUPPORTED_PROVIDER);
    };
  }

  @Override
  public String phase() {
    return phase;
  }

  private PullModelResult registerLocalFile(PullModelRequest request) {
    String hostId = chooseHost(request);

    phase = "inspecting file";
    ModelFileFacts facts =
        filesOn(hostId, "inspect " + request.location() + " on " + hostId)
            .inspectLocalFile(request.location());

    return register(request, hostId, facts);
  }

  private PullModelResult pullFromHuggingFace(PullModelRequest request) {
    // Checked before anything runs: a malformed name is the caller's mistake, not worth a host.
    HuggingFaceFile file = huggingFaceFile(request.model());
    String hostId = chooseHost(request);
    Hub hub = new Hub(hostId, request.priority());

    String path;
    try {
      path = downloadVerified(hub, file);
    } catch (TemporalFailure failure) {
      discardDownload(hub, file);
      throw failure;
    }

    phase = "inspecting file";
    ModelFileFacts facts =
        filesOn(hostId, "inspect " + file.path() + " on " + hostId).inspectLocalFile(path);

    return register(request, hostId, facts);
  }

  /**
   * Downloads and verifies, downloading afresh when the bytes fail verification: the download
   * activity resumes only what it heartbeated, so a corrupt file needs a new download, not a retry
   * of the verification.
   */
  private String downloadVerified(Hub hub, HuggingFaceFile file) {
    for (int download = 1; ; download++) {
      phase = "downloading";
      String again = download > 1 ? " (download " + download + " of " + MAX_DOWNLOADS + ")" : "";
      DownloadedFile downloaded =
          hub.downloading(
                  "download " + file.repo() + "/" + file.path() + " from huggingface" + again)
              .downloadHuggingFaceFile(file);
      phase = "verifying";
      try {
        return hub.around("verify and install " + file.path() + again)
            .installHuggingFaceFile(downloaded);
      } catch (ActivityFailure failure) {
        if (download >= MAX_DOWNLOADS || !DOWNLOAD_AGAIN.contains(failureType(failure))) {
          throw failure;
        }
      }
    }
  }

  /**
   * Deletes the partial file after a failure or cancellation. The download activity deletes it
   * itself when it sees the cancellation, but not when its worker died; this runs in a detached
   * scope so that it runs even though the workflow is being cancelled.
   */
  private void discardDownload(Hub hub, HuggingFaceFile file) {
    phase = "cleaning up";
    Workflow.newDetachedCancellationScope(
            () -> {
              try {
                hub.around("discard the partial download of " + file.path())
                    .discardHuggingFaceDownload(file);
              } catch (ActivityFailure cleanupFailure) {
                // The failure that brought us here is the one to report; this one stays in the
                // history, and the next download of the file truncates what is left.
              }
            })
        .run();
  }

  private PullModelResult pullIntoOllama(PullModelRequest request) {
    String hostId = chooseHost(request);

    phase = "downloading";
    String model = model(request);
    ModelFileFacts facts =
        ollamaOn(hostId, request.priority(), "pull " + model + " into ollama on " + hostId)
            .pullOllamaModel(model);

    return register(request, hostId, facts);
  }

  private String chooseHost(PullModelRequest request) {
    phase = "choosing host";
    return request.hostId() != null ? request.hostId() : registry.chooseHost();
  }

  private PullModelResult register(PullModelRequest request, String hostId, ModelFileFacts facts) {
    phase = "registering";
    RegisteredModel model =
        registry.registerModel(new RegisterModel(request.model(), hostId, facts));

    phase = "done";
    return new PullModelResult(model.modelId(), hostId, facts.sizeBytes(), facts.sha256());
  }

  private static HuggingFaceFile huggingFaceFile(ModelRef model) {
    try {
      return HuggingFaceFile.parse(model.name());
    } catch (IllegalArgumentException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), INVALID_MODEL_NAME);
    }
  }

  private static String model(PullModelRequest request) {
    return request.model().name().trim();
  }

  private static String failureType(ActivityFailure failure) {
    return failure.getCause() instanceof ApplicationFailure cause ? cause.getType() : "";
  }

  /**
   * Hugging Face transfers on one host, each call with its own summary: Java's SDK takes a summary
   * only through a stub's options, so a call gets a stub (cheap next to a transfer).
   */
  private record Hub(String hostId, int priority) {

    /** The download itself, on the host's transfers queue. */
    HuggingFaceActivities downloading(String summary) {
      return huggingFaceOn(hostId, priority, true, summary);
    }

    /** A step around the download (verify and install, discard), on the host queue. */
    HuggingFaceActivities around(String summary) {
      return huggingFaceOn(hostId, priority, false, summary);
    }
  }

  private static ModelFileActivities filesOn(String hostId, String summary) {
    return Workflow.newActivityStub(
        ModelFileActivities.class,
        ActivityOptions.newBuilder()
            .setTaskQueue(TaskQueues.host(hostId))
            // Hashing a large file takes long but heartbeats often, so a dead host shows quickly.
            .setStartToCloseTimeout(Duration.ofHours(2))
            .setHeartbeatTimeout(Duration.ofSeconds(30))
            // A host that never picks the task up is gone; fail instead of waiting forever.
            .setScheduleToStartTimeout(Duration.ofMinutes(5))
            .setRetryOptions(
                RetryOptions.newBuilder()
                    .setMaximumAttempts(5)
                    .setDoNotRetry(ModelFileActivities.INVALID_MODEL_FILE)
                    .build())
            .setSummary(summary)
            .build());
  }

  /** How long a transfer may take, its wait for a slot and all its attempts together. */
  static final Duration TRANSFER_DEADLINE = Duration.ofDays(2);

  /**
   * How long verifying and installing a finished download (or discarding a partial one) may wait
   * for a slot on its host queue, where instance starts and file hashing may each hold one for many
   * minutes. With the 5 minutes of other host work, eight such slots taken when a download of hours
   * finished timed its install out unpicked, and the pull then deleted the finished file.
   */
  static final Duration AROUND_PICKUP = Duration.ofHours(1);

  static final String AROUND_PICKUP_CHANGE = "install-waits-for-a-host-slot";

  /**
   * Transfers heartbeat every second whatever the network does, so a short heartbeat timeout finds
   * a dead worker quickly (a retry then resumes on the host's next worker) and a cancellation
   * reaches the activity within the SDK's heartbeat throttle (0.8 × the timeout). The request's
   * priority orders the transfer among the host's queued transfers (see {@link PullPriority}).
   *
   * <p>Downloads run on the host's transfers queue, where one may wait its turn as long as the
   * downloads before it take, and are retried (each attempt resumes) for as long as {@link
   * #TRANSFER_DEADLINE} allows, however often a flaky link drops. The steps around a download
   * (verifying and installing it, discarding a partial file) run on the host queue, so that they
   * never wait behind other downloads; so does everything of a pull started before the transfers
   * queue existed, with its bounds of then.
   */
  private static ActivityOptions.Builder transferOn(
      String hostId, int priority, boolean download, String... notRetried) {
    boolean ownQueue = Workflow.getVersion("transfers-queue", Workflow.DEFAULT_VERSION, 1) == 1;
    ActivityOptions.Builder options =
        ActivityOptions.newBuilder()
            // Large files take hours on slow links; a retry resumes, so an attempt may be cut
            // short.
            .setStartToCloseTimeout(Duration.ofHours(4))
            .setHeartbeatTimeout(Duration.ofSeconds(10))
            .setPriority(PullPriority.of(priority))
            // Cleanup must not start while the cancelled attempt still writes.
            .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED);
    RetryOptions.Builder retries =
        RetryOptions.newBuilder()
            .setInitialInterval(Duration.ofSeconds(1))
            .setMaximumInterval(Duration.ofMinutes(1))
            .setDoNotRetry(notRetried);
    if (ownQueue && download) {
      return options
          .setTaskQueue(TaskQueues.transfers(hostId))
          .setScheduleToCloseTimeout(TRANSFER_DEADLINE)
          .setRetryOptions(retries.setMaximumAttempts(0).build());
    }
    boolean aroundWaits =
        ownQueue && Workflow.getVersion(AROUND_PICKUP_CHANGE, Workflow.DEFAULT_VERSION, 1) == 1;
    return options
        .setTaskQueue(TaskQueues.host(hostId))
        .setScheduleToStartTimeout(aroundWaits ? AROUND_PICKUP : Duration.ofMinutes(5))
        .setRetryOptions(retries.setMaximumAttempts(10).build());
  }

  private static HuggingFaceActivities huggingFaceOn(
      String hostId, int priority, boolean download, String summary) {
    return Workflow.newActivityStub(
        HuggingFaceActivities.class,
        transferOn(
                hostId,
                priority,
                download,
                HuggingFaceActivities.FILE_NOT_FOUND,
                HuggingFaceActivities.REQUEST_REJECTED,
                HuggingFaceActivities.CHECKSUM_UNAVAILABLE,
                HuggingFaceActivities.CHECKSUM_MISMATCH,
                HuggingFaceActivities.DOWNLOAD_MISSING)
            .setSummary(summary)
            .build());
  }

  private static OllamaActivities ollamaOn(String hostId, int priority, String summary) {
    return Workflow.newActivityStub(
        OllamaActivities.class,
        transferOn(
                hostId,
                priority,
                true,
                OllamaActivities.OLLAMA_NOT_CONFIGURED,
                OllamaActivities.PULL_REJECTED)
            .setSummary(summary)
            .build());
  }
}
