package dev.modelyard.workflows.maintenance;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Removes what nobody uses or owns any more: idle models are unloaded, instances stuck starting are
 * recorded failed, abandoned partial downloads are deleted and old audit rows dropped. Runs as a
 * cron workflow ({@link MaintenanceWorkflowIds#cleanup}).
 */
@WorkflowInterface
public interface CleanupWorkflow {

  @WorkflowMethod
  CleanupResult cleanUp(CleanupRequest request);
}
