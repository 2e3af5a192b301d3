package dev.modelyard.workflows.health;

import dev.modelyard.workflows.WorkflowIds;
import dev.modelyard.workflows.models.ModelRef;
import dev.modelyard.workflows.models.Provider;
import java.util.ArrayList;
import java.util.List;

/**
 * The workflows that may own a starting instance: the model's load or deployment, and a restart of
 * the instance. While any of them runs, the instance is theirs to finish or fail.
 */
public final class InstanceOwners {

  private InstanceOwners() {}

  /** Their workflow IDs; a provider this build does not know owns through a restart only. */
  public static List<String> of(String provider, String modelName, String instanceId) {
    List<String> owners = new ArrayList<>();
    Provider.fromWireName(provider)
        .map(p -> new ModelRef(p, modelName))
        .ifPresent(
            model -> {
              owners.add(WorkflowIds.load(model));
              owners.add(WorkflowIds.deployment(model));
            });
    owners.add(HealthWorkflowIds.restart(instanceId));
    return owners;
  }
}
