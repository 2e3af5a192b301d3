package dev.modelyard.workers.health;

import dev.modelyard.infra.registry.InstanceHealthRegistry;
import dev.modelyard.workflows.health.HealthRecord;
import dev.modelyard.workflows.health.HealthRegistryActivities;
import dev.modelyard.workflows.health.InstanceToCheck;
import dev.modelyard.workflows.health.RestartTarget;
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
    return registry.recordRestarting(instanceId, reason);
  }

  @Override
  public void recordRestartAttemptFailed(String instanceId, String detail) {
    registry.recordRestartAttemptFailed(instanceId, detail);
  }

  @Override
  public boolean recordRestarted(String instanceId, String endpoint, String detail) {
    return registry.recordRestarted(instanceId, endpoint, detail);
  }

  @Override
  public void recordRestartFailed(String instanceId, String reason) {
    registry.recordRestartFailed(instanceId, reason);
  }
}
