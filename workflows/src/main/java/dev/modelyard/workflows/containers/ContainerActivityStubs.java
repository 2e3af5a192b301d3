package dev.modelyard.workflows.containers;

import dev.modelyard.workflows.TaskQueues;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/**
 * Container questions are asked while an API caller waits: a host that does not pick the task up
 * within {@link #HOST_PICKUP} is reported as unreachable rather than waited for, and nothing is
 * retried (the caller asks again).
 */
final class ContainerActivityStubs {

  static final Duration HOST_PICKUP = Duration.ofSeconds(5);

  private ContainerActivityStubs() {}

  static ContainerHostActivities on(String hostId) {
    return Workflow.newActivityStub(
        ContainerHostActivities.class,
        ActivityOptions.newBuilder()
            .setTaskQueue(TaskQueues.host(hostId))
            .setScheduleToStartTimeout(HOST_PICKUP)
            .setStartToCloseTimeout(Duration.ofSeconds(30))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
            .build());
  }
}
