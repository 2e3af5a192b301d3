package dev.modelyard.workflows.health;

import io.temporal.activity.ActivityInterface;
import java.time.Duration;
import java.util.List;

/** The registry's side of health checks and restarts: scores, states and the events log. */
@ActivityInterface
public interface HealthRegistryActivities {

  /** Ready and unhealthy instances, and those still starting after {@code startingTooLong}. */
  List<InstanceToCheck> instancesToCheck(Duration startingTooLong);

  /**
   * Stores each score and state; an instance that changed state meanwhile (stopped, being
   * restarted) is left alone. A change between ready and unhealthy is logged as an event.
   */
  void recordHealth(List<HealthRecord> records);

  /** What a restart of this instance needs, or null when it is no longer one to restart. */
  RestartTarget restartTarget(String instanceId);

  /**
   * Marks the instance {@code starting} (taking it out of routing) and logs why; false when it was
   * stopped or failed meanwhile, in which case there is nothing to restart.
   */
  boolean recordRestarting(String instanceId, String reason);

  /** Logs a failed attempt; the instance stays {@code starting}. */
  void recordRestartAttemptFailed(String instanceId, String detail);

  /**
   * Marks the instance ready at its new endpoint with a full score; false when it was stopped
   * meanwhile, in which case the restart must stop what it started.
   */
  boolean recordRestarted(String instanceId, String endpoint, String detail);

  /** Marks the instance failed and logs why: the restart has given up. */
  void recordRestartFailed(String instanceId, String reason);
}
