package dev.modelyard.workflows.health;

import dev.modelyard.workflows.TaskQueues;
import dev.modelyard.workflows.deployments.HostActivityStubs;
import dev.modelyard.workflows.deployments.InstanceHostActivities;
import dev.modelyard.workflows.deployments.StartInstance;
import dev.modelyard.workflows.deployments.StartedInstance;
import dev.modelyard.workflows.models.RegistryOptions;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;

public class RestartInstanceWorkflowImpl implements RestartInstanceWorkflow {

  /** A host that has not picked up the work by then is taken as gone for this attempt. */
  private static final Duration HOST_PICKUP = Duration.ofMinutes(1);

  private static final Duration STOP_TIMEOUT = Duration.ofMinutes(1);

  private final HealthRegistryActivities registry =
      Workflow.newActivityStub(HealthRegistryActivities.class, RegistryOptions.DEFAULT);

  /**
   * For the record of a restart that worked: a database outage is waited out rather than taken for
   * a failed start, which stopped the running instance to start it again, or on the last attempt
   * stopped it for good.
   */
  private final HealthRegistryActivities untilAnswered =
      Workflow.newActivityStub(HealthRegistryActivities.class, RegistryOptions.UNTIL_ANSWERED);

  static final String RECORD_WAITS_CHANGE = "restart-record-waits-out-outages";

  /**
   * Restarts that send their stops to the host's stops queue, as every other stop goes; before, to
   * its host queue, where behind a minute of starts they timed out unpicked, failed every attempt,
   * and the instance was marked failed while it still ran.
   */
  static final String STOPS_QUEUE_CHANGE = "restart-stops-queue";

  private boolean stopsOnStopsQueue;

  /**
   * Restarts that look the instance up again after each backoff; before, one unloaded meanwhile was
   * started again, on memory its unload had released, until its restart found it stopped.
   */
  static final String RECHECK_CHANGE = "restart-rechecks-between-attempts";

  private boolean rechecks;

  @Override
  public RestartInstanceResult restart(RestartInstanceRequest request) {
    String instanceId = request.instanceId();
    RestartPolicy policy = request.policy();
    RestartTarget target = registry.restartTarget(instanceId);
    if (target == null || !registry.recordRestarting(instanceId, request.reason())) {
      return new RestartInstanceResult(
          instanceId, RestartInstanceResult.Outcome.NOT_NEEDED, 0, null, null);
    }
    String hostId = target.hostId();
    String instance = "instance " + HostActivityStubs.shortId(instanceId);
    stopsOnStopsQueue = Workflow.getVersion(STOPS_QUEUE_CHANGE, Workflow.DEFAULT_VERSION, 1) >= 1;
    rechecks = Workflow.getVersion(RECHECK_CHANGE, Workflow.DEFAULT_VERSION, 1) >= 1;

    String lastError = null;
    int attempt = 0;
    while (attempt < policy.maxAttempts()) {
      attempt++;
      String ofAttempts = " (restart attempt " + attempt + " of " + policy.maxAttempts() + ")";
      try {
        // Stop first: a runtime that still holds a hung instance would hand back its endpoint.
        stops(hostId, policy, "stop " + instance + " on " + hostId + ofAttempts)
            .stopInstance(instanceId);
        StartedInstance started =
            starts(hostId, policy, "start " + instance + " again on " + hostId + ofAttempts)
                .startInstance(
                    new StartInstance(
                        instanceId,
                        target.modelId(),
                        target.modelPath(),
                        target.resources(),
                        target.deployment(),
                        target.provider()));
        String detail = "attempt " + attempt + " of " + policy.maxAttempts();
        HealthRegistryActivities recording =
            Workflow.getVersion(RECORD_WAITS_CHANGE, Workflow.DEFAULT_VERSION, 1) >= 1
                ? untilAnswered
                : registry;
        if (!recording.recordRestarted(instanceId, started.endpoint(), detail)) {
          // Unloaded while we restarted it: what we started must not outlive that decision.
          stopQuietly(
              stops(hostId, policy, "stop " + instance + ": unloaded meanwhile"), instanceId);
          return new RestartInstanceResult(
              instanceId, RestartInstanceResult.Outcome.NOT_NEEDED, attempt, null, null);
        }
        return new RestartInstanceResult(
            instanceId,
            RestartInstanceResult.Outcome.RESTARTED,
            attempt,
            started.endpoint(),
            lastError);
      } catch (ActivityFailure failure) {
        lastError = rootMessage(failure);
        if (isRejected(failure) || attempt == policy.maxAttempts()) {
          break;
        }
        Duration backoff = policy.backoffAfter(attempt);
        registry.recordRestartAttemptFailed(
            instanceId,
            "attempt "
                + attempt
                + " of "
                + policy.maxAttempts()
                + " failed: "
                + lastError
                + "; next in "
                + backoff);
        Workflow.sleep(backoff);
        if (rechecks && registry.restartTarget(instanceId) == null) {
          // Unloaded or stopped meanwhile: the failed attempt may have left something behind.
          stopQuietly(
              stops(hostId, policy, "stop " + instance + ": unloaded meanwhile"), instanceId);
          return new RestartInstanceResult(
              instanceId, RestartInstanceResult.Outcome.NOT_NEEDED, attempt, null, lastError);
        }
      }
    }

    // Given up: make sure nothing half-started keeps running, then say so where people look.
    stopQuietly(stops(hostId, policy, "stop " + instance + ": restart given up"), instanceId);
    String reason = "restart gave up after " + attempt + " attempt(s): " + lastError;
    registry.recordRestartFailed(instanceId, reason);
    return new RestartInstanceResult(
        instanceId, RestartInstanceResult.Outcome.FAILED, attempt, null, lastError);
  }

  private static void stopQuietly(InstanceHostActivities host, String instanceId) {
    try {
      host.stopInstance(instanceId);
    } catch (ActivityFailure failure) {
      // The host is gone, and its instances with it; the registry's record is what matters now,
      // and the failure stays visible in this workflow's history.
    }
  }

  private static InstanceHostActivities starts(
      String hostId, RestartPolicy policy, String summary) {
    return hostActivities(TaskQueues.host(hostId), policy, summary);
  }

  private InstanceHostActivities stops(String hostId, RestartPolicy policy, String summary) {
    return hostActivities(
        stopsOnStopsQueue ? TaskQueues.stops(hostId) : TaskQueues.host(hostId), policy, summary);
  }

  /** Attempts are this workflow's business: each activity runs once, with its own timeouts. */
  private static InstanceHostActivities hostActivities(
      String queue, RestartPolicy policy, String summary) {
    return Workflow.newActivityStub(
        InstanceHostActivities.class,
        ActivityOptions.newBuilder()
            .setTaskQueue(queue)
            .setScheduleToStartTimeout(HOST_PICKUP)
            .setStartToCloseTimeout(policy.startTimeout().plus(STOP_TIMEOUT))
            // Starts and stops heartbeat every second: a host that died is known in seconds.
            .setHeartbeatTimeout(Duration.ofSeconds(30))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
            .setSummary(summary)
            .build());
  }

  private static boolean isRejected(ActivityFailure failure) {
    return failure.getCause() instanceof ApplicationFailure application
        && InstanceHostActivities.INSTANCE_START_REJECTED.equals(application.getType());
  }

  private static String rootMessage(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getMessage();
  }
}
