package dev.modelyard.workflows.deployments;

import dev.modelyard.workflows.TaskQueues;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/**
 * Stubs of the activities that run on one host's queue, with the options they all share and a
 * summary of the one call each is made for, which Temporal's UI shows on the activity (e.g. "start
 * instance 2 of tinyllama on host-a"). Java's SDK takes a summary only through the stub's {@link
 * ActivityOptions}, so each call gets its own stub, as host stubs always did (the host is per call
 * too). A summary is metadata of the scheduling command: replay does not compare it.
 */
public final class HostActivityStubs {

  private HostActivityStubs() {}

  /** Starts an instance; {@code which} names it, e.g. "instance 2 of tinyllama". */
  public static InstanceHostActivities starting(String which, String hostId) {
    return instances(TaskQueues.host(hostId), "start " + which + " on " + hostId);
  }

  public static InstanceHostActivities stopping(String instanceId, String hostId) {
    String queue =
        Workflow.getVersion(STOPS_QUEUE_CHANGE, Workflow.DEFAULT_VERSION, 1) >= 1
            ? TaskQueues.stops(hostId)
            : TaskQueues.host(hostId);
    return instances(queue, "stop instance " + shortId(instanceId) + " on " + hostId);
  }

  /** Stops sent to their host's stops queue; before, to its host queue, behind its starts. */
  static final String STOPS_QUEUE_CHANGE = "stops-queue";

  /**
   * Stops an instance on its host, unless it runs on no host of ours (registered by URL); answers
   * how the host failed to stop it (it is down, or gone: its instances with it), null when it did.
   */
  public static ActivityFailure stopOnItsHost(String instanceId, String hostId) {
    if (RegisterEndpointWorkflow.EXTERNAL_HOST.equals(hostId)) {
      return null;
    }
    try {
      stopping(instanceId, hostId).stopInstance(instanceId);
      return null;
    } catch (ActivityFailure failure) {
      return failure;
    }
  }

  /** An instance id as summaries show it: a UUID's first eight characters are enough to tell. */
  public static String shortId(String instanceId) {
    return instanceId.length() > 8 ? instanceId.substring(0, 8) : instanceId;
  }

  private static InstanceHostActivities instances(String queue, String summary) {
    return Workflow.newActivityStub(
        InstanceHostActivities.class,
        ActivityOptions.newBuilder()
            .setTaskQueue(queue)
            // A host that never picks the task up is gone; fail instead of waiting forever.
            .setScheduleToStartTimeout(Duration.ofMinutes(5))
            .setStartToCloseTimeout(Duration.ofMinutes(15))
            .setHeartbeatTimeout(Duration.ofSeconds(30))
            .setRetryOptions(
                RetryOptions.newBuilder()
                    .setMaximumAttempts(3)
                    .setDoNotRetry(InstanceHostActivities.INSTANCE_START_REJECTED)
                    .build())
            .setSummary(summary)
            .build());
  }
}
