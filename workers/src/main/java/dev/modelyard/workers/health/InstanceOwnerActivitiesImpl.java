package dev.modelyard.workers.health;

import dev.modelyard.infra.temporal.RunningWorkflows;
import dev.modelyard.workflows.WorkflowIds;
import dev.modelyard.workflows.health.InstanceOwnerActivities;
import io.temporal.client.WorkflowClient;
import java.util.List;

/**
 * Asks Temporal which of an instance's possible owners are bringing it up now; the health and the
 * maintenance pools each run it, for the health loop and for cleanup.
 */
public class InstanceOwnerActivitiesImpl implements InstanceOwnerActivities {

  private final WorkflowClient client;

  public InstanceOwnerActivitiesImpl(WorkflowClient client) {
    this.client = client;
  }

  @Override
  public List<String> ownersRunning(List<String> workflowIds) {
    return RunningWorkflows.among(
        client,
        workflowIds,
        (id, description) ->
            !"deployment".equals(WorkflowIds.operation(id))
                || description.getRawDescription().getPendingActivitiesCount() > 0);
  }
}
