package dev.modelyard.workflows.deployments;

import io.temporal.activity.ActivityInterface;
import java.util.List;

/** The registry's record of instances: every start, readiness and failure lands here. */
@ActivityInterface
public interface InstanceRegistryActivities {

  /** The ready instance serving this model, or null when there is none. */
  InstanceView findReadyInstance(String modelId);

  /** Instances that are starting, ready or unhealthy: everything an unload must stop. */
  List<InstanceView> findActiveInstances(String modelId);

  void recordStarting(NewInstance instance);

  void recordReady(StartedInstance instance);

  /**
   * Marks a starting instance ready; false, changing nothing, when it is no longer starting: an
   * unload or a scale-down stopped it while it started.
   */
  boolean recordReadyIfStarting(StartedInstance instance);

  void recordFailed(String instanceId, String reason);

  void recordStopping(String instanceId);

  /**
   * Marks the instance stopping if it has gone unused for {@code idleTtlMillis} as the registry
   * sees it now (its last use, or its start if never used), taking it out of routing; false,
   * changing nothing, when it was used since an idle cleanup looked. True for one already stopping,
   * so that a retry of a call that committed stops what it marked.
   */
  boolean recordStoppingIfIdle(String instanceId, long idleTtlMillis);

  void recordStopped(String instanceId);
}
