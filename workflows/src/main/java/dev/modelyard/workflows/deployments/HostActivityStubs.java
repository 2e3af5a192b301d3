package dev.modelyard.workflows.deployments;

import dev.modelyard.workflows.TaskQueues;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/** Stubs of the activities that run on one host's queue, with the options they all share. */
public final class HostActivityStubs {

  private HostActivityStubs() {}

  public static InstanceHostActivities instances(String hostId) {
    return Workflow.newActivityStub(
        InstanceHostActivities.class,
        ActivityOptions.newBuilder()
            .setTaskQueue(TaskQueues.host(hostId))
            // A host that never picks the task up is gone; fail instead of waiting forever.
            .setScheduleToStartTimeout(Duration.ofMinutes(5))
            .setStartToCloseTimeout(Duration.ofMinutes(15))
            .setHeartbeatTimeout(Duration.ofSeconds(30))
            .setRetryOptions(
                RetryOptions.newBuilder()
                    .setMaximumAttempts(3)
                    .setDoNotRetry(InstanceHostActivities.INSTANCE_START_REJECTED)
                    .build())
            .build());
  }
}
