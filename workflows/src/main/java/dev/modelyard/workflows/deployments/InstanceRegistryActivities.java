package dev.modelyard.workflows.deployments;

import io.temporal.activity.ActivityInterface;

/** The registry's record of instances: every start, readiness and failure lands here. */
@ActivityInterface
public interface InstanceRegistryActivities {

  /** The ready instance serving this model, or null when there is none. */
  InstanceView findReadyInstance(String modelId);

  void recordStarting(NewInstance instance);

  void recordReady(StartedInstance instance);

  void recordFailed(String instanceId, String reason);
}
