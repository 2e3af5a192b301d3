package dev.modelyard.workflows.models;

import dev.modelyard.workflows.TaskQueues;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;

public class PullModelWorkflowImpl implements PullModelWorkflow {

  static final String UNSUPPORTED_PROVIDER = "UnsupportedProvider";

  private final ModelRegistryActivities registry =
      Workflow.newActivityStub(ModelRegistryActivities.class, RegistryOptions.DEFAULT);

  private String phase = "starting";

  @Override
  public PullModelResult pull(PullModelRequest request) {
    return switch (request.model().provider()) {
      case LOCAL_GGUF -> registerLocalFile(request);
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
    phase = "choosing host";
    String hostId = request.hostId() != null ? request.hostId() : registry.chooseHost();

    phase = "inspecting file";
    ModelFileFacts facts = filesOn(hostId).inspectLocalFile(request.location());

    phase = "registering";
    RegisteredModel model =
        registry.registerModel(new RegisterModel(request.model(), hostId, facts));

    phase = "done";
    return new PullModelResult(model.modelId(), hostId, facts.sizeBytes(), facts.sha256());
  }

  private static ModelFileActivities filesOn(String hostId) {
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
            .build());
  }
}
