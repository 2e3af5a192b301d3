package dev.modelyard.workers.deployments;

import dev.modelyard.infra.registry.ModelRegistry;
import dev.modelyard.workflows.deployments.InstanceRegistryActivities;
import dev.modelyard.workflows.deployments.InstanceView;
import dev.modelyard.workflows.deployments.NewInstance;
import dev.modelyard.workflows.deployments.StartedInstance;
import java.time.Duration;
import java.util.List;

public class InstanceRegistryActivitiesImpl implements InstanceRegistryActivities {

  private final ModelRegistry registry;

  public InstanceRegistryActivitiesImpl(ModelRegistry registry) {
    this.registry = registry;
  }

  @Override
  public InstanceView findReadyInstance(String modelId) {
    return registry.findReadyInstance(modelId).orElse(null);
  }

  @Override
  public List<InstanceView> findActiveInstances(String modelId) {
    return registry.findActiveInstances(modelId);
  }

  @Override
  public void recordStopping(String instanceId) {
    registry.recordStopping(instanceId);
  }

  @Override
  public boolean recordStoppingIfIdle(String instanceId, long idleTtlMillis) {
    return registry.recordStoppingIfIdle(instanceId, Duration.ofMillis(idleTtlMillis));
  }

  @Override
  public void recordStopped(String instanceId) {
    registry.recordStopped(instanceId);
  }

  @Override
  public void recordStarting(NewInstance instance) {
    registry.recordStarting(instance);
  }

  @Override
  public void recordReady(StartedInstance instance) {
    registry.recordReady(instance);
  }

  @Override
  public boolean recordReadyIfStarting(StartedInstance instance) {
    return registry.recordReadyIfStarting(instance);
  }

  @Override
  public void recordFailed(String instanceId, String reason) {
    registry.recordFailed(instanceId, reason);
  }
}
