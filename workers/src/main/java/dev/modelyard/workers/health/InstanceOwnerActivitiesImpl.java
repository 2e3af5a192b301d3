package dev.modelyard.workers.health;

import dev.modelyard.infra.temporal.RunningWorkflows;
import dev.modelyard.workflows.WorkflowIds;
import dev.modelyard.workflows.health.InstanceOwnerActivities;
import io.temporal.client.WorkflowClient;
import java.util.List;

/** Asks Temporal which of an instance's possible owners are bringing it up now. */
class InstanceOwnerActivitiesImpl implements InstanceOwnerActivities {

  private final WorkflowClient client;

  InstanceOwnerActivitiesImpl(WorkflowClient client) {
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
