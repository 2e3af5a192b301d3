package dev.modelyard.workflows.maintenance;

import io.temporal.activity.ActivityInterface;
import java.util.List;

/** Cleanup's registry and Temporal side, run on the maintenance queue. */
@ActivityInterface
public interface CleanupActivities {

  /** Instances that are starting, ready or unhealthy. */
  List<ActiveInstance> activeInstances();

  /** Which of these workflows are running now. */
  List<String> runningWorkflows(List<String> workflowIds);

  /**
   * Records the instance failed with {@code reason} if it is still starting and has not changed
   * since {@code unchangedSinceMillis}; false when it moved on meanwhile.
   */
  boolean failAbandonedStart(String instanceId, String reason, long unchangedSinceMillis);

  /**
   * Deletes request audit rows that occurred before the cutoff, in batches, for some seconds at
   * most; returns how many. Called again while it deletes any, it deletes them all.
   */
  int deleteAuditBefore(long cutoffMillis);

  /** As {@link #deleteAuditBefore}, for one of the other records kept for a while. */
  int deleteRecordsBefore(RetainedRecords records, long cutoffMillis);
}
