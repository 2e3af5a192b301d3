package dev.modelyard.workflows.maintenance;

import java.time.Duration;

/**
 * The registry's records that grow with use and are deleted once past their retention. Cleanup
 * deletes them in this order: a constant added, removed or moved changes the activities a run
 * schedules, so it needs a {@code getVersion} of its own in {@code CleanupWorkflowImpl}.
 */
public enum RetainedRecords {
  /** {@code cost_records}: kept longer, for the month's cost limit and a year of reports. */
  COST_RECORDS,
  /** {@code instance_events}: health changes and restarts. */
  INSTANCE_EVENTS,
  /** {@code scaling_decisions}: what the autoscalers did, and why. */
  SCALING_DECISIONS,
  /** {@code model_instances} stopped or failed, with their events. */
  ENDED_INSTANCES;

  Duration retention(CleanupPolicy policy) {
    return this == COST_RECORDS ? policy.costRetention() : policy.historyRetention();
  }
}
