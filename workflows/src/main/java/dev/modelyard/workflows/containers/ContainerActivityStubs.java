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

  static final Duration HOST_ANSWER = Duration.ofSeconds(30);

  /**
   * @param answerWithin how long the host has in all, pickup included (its pickup at most half of
   *     it); null: {@link #HOST_PICKUP} to pick the task up and {@link #HOST_ANSWER} to answer
   */
  static ContainerHostActivities on(String hostId, Duration answerWithin) {
    ActivityOptions.Builder options =
        ActivityOptions.newBuilder()
            .setTaskQueue(TaskQueues.host(hostId))
            .setScheduleToStartTimeout(HOST_PICKUP)
            .setStartToCloseTimeout(HOST_ANSWER)
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build());
    if (answerWithin != null) {
      Duration pickup = answerWithin.dividedBy(2);
      options
          .setScheduleToStartTimeout(pickup.compareTo(HOST_PICKUP) < 0 ? pickup : HOST_PICKUP)
          .setStartToCloseTimeout(answerWithin)
          .setScheduleToCloseTimeout(answerWithin);
    }
    return Workflow.newActivityStub(ContainerHostActivities.class, options.build());
  }
}
