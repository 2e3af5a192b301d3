package dev.modelyard.workers.maintenance;

import dev.modelyard.infra.registry.MaintenanceRegistry;
import dev.modelyard.infra.temporal.RunningWorkflows;
import dev.modelyard.workflows.maintenance.ActiveInstance;
import dev.modelyard.workflows.maintenance.CleanupActivities;
import dev.modelyard.workflows.maintenance.RetainedRecords;
import io.temporal.client.WorkflowClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.IntSupplier;

/** Cleanup's registry writes, and what Temporal says is running. */
class CleanupActivitiesImpl implements CleanupActivities {

  private static final int BATCH = 10_000;

  /** Well inside the activity's 30 s: the workflow calls again for what is left. */
  private static final Duration DELETION_BUDGET = Duration.ofSeconds(20);

  private final MaintenanceRegistry registry;
  private final WorkflowClient client;

  CleanupActivitiesImpl(MaintenanceRegistry registry, WorkflowClient client) {
    this.registry = registry;
    this.client = client;
  }

  @Override
  public List<ActiveInstance> activeInstances() {
    return registry.activeInstances();
  }

  @Override
  public List<String> runningWorkflows(List<String> workflowIds) {
    return RunningWorkflows.among(client, workflowIds);
  }

  @Override
  public boolean failAbandonedStart(String instanceId, String reason, long unchangedSinceMillis) {
    return registry.failAbandonedStart(
        instanceId, reason, Instant.ofEpochMilli(unchangedSinceMillis));
  }

  @Override
  public int deleteAuditBefore(long cutoffMillis) {
    Instant cutoff = Instant.ofEpochMilli(cutoffMillis);
    return deleteInBatches(() -> registry.deleteAuditBatch(cutoff, BATCH));
  }

  @Override
  public int deleteRecordsBefore(RetainedRecords records, long cutoffMillis) {
    Instant cutoff = Instant.ofEpochMilli(cutoffMillis);
    return deleteInBatches(() -> registry.deleteBatch(records, cutoff, BATCH));
  }

  private static int deleteInBatches(IntSupplier batchDeletion) {
    long deadline = System.nanoTime() + DELETION_BUDGET.toNanos();
    int deleted = 0;
    int batch;
    do {
      batch = batchDeletion.getAsInt();
      deleted += batch;
    } while (batch == BATCH && System.nanoTime() < deadline);
    return deleted;
  }
}
