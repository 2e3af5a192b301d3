package dev.modelyard.workers.health;

import dev.modelyard.infra.registry.InstanceHealthRegistry;
import dev.modelyard.workflows.health.HealthRecord;
import dev.modelyard.workflows.health.HealthRegistryActivities;
import dev.modelyard.workflows.health.InstanceToCheck;
import dev.modelyard.workflows.health.RestartTarget;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInfo;
import java.time.Duration;
import java.util.List;

public class HealthRegistryActivitiesImpl implements HealthRegistryActivities {

  private final InstanceHealthRegistry registry;

  public HealthRegistryActivitiesImpl(InstanceHealthRegistry registry) {
    this.registry = registry;
  }

  @Override
  public List<InstanceToCheck> instancesToCheck(Duration startingTooLong) {
    return registry.instancesToCheck(startingTooLong);
  }

  @Override
  public void recordHealth(List<HealthRecord> records) {
    records.forEach(registry::recordHealth);
  }

  @Override
  public RestartTarget restartTarget(String instanceId) {
    return registry.restartTarget(instanceId).orElse(null);
  }

  @Override
  public boolean recordRestarting(String instanceId, String reason) {
    return registry.recordRestarting(instanceId, reason, thisCall());
  }

  @Override
  public void recordRestartAttemptFailed(String instanceId, String detail) {
    registry.recordRestartAttemptFailed(instanceId, detail, thisCall());
  }

  @Override
  public boolean recordRestarted(String instanceId, String endpoint, String detail) {
    return registry.recordRestarted(instanceId, endpoint, detail, thisCall());
  }

  @Override
  public void recordRestartFailed(String instanceId, String reason) {
    registry.recordRestartFailed(instanceId, reason, thisCall());
  }

  /**
   * The same for every try of this activity call and for no other: the restart workflow's ID is
   * reused for each restart of an instance, so its run counts too.
   */
  private static String thisCall() {
    ActivityInfo call = Activity.getExecutionContext().getInfo();
    return call.getWorkflowId() + "/" + call.getRunId() + "/" + call.getActivityId();
  }
}
