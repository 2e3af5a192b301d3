package dev.modelyard.workflows.deployments;

import io.temporal.activity.ActivityInterface;

/** Starts and stops instances through the host's model runtime; runs on that host's queue. */
@ActivityInterface
public interface InstanceHostActivities {

  /** Failure type for an instance that cannot start with these inputs; never retried. */
  String INSTANCE_START_REJECTED = "InstanceStartRejected";

  /** Starts the instance and returns once it has answered a real one-token generation. */
  StartedInstance startInstance(StartInstance request);

  /** Stops the instance; stopping one that is not running is not an error. */
  void stopInstance(String instanceId);
}
