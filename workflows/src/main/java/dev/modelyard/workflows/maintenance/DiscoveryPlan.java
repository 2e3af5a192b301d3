package dev.modelyard.workflows.maintenance;

import java.util.List;

/**
 * What discovery writes: new models, changed ones, and the instances providers report as loaded.
 * Nothing in it deletes a model.
 *
 * @param instanceSources the sources whose instance lists are complete: an instance that one of
 *     them created earlier and no longer reports is recorded stopped
 */
public record DiscoveryPlan(
    List<ModelEntry> toAdd,
    List<ModelEntry> toUpdate,
    int unchanged,
    List<DiscoveredInstance> instances,
    List<String> instanceSources) {

  public DiscoveryPlan {
    toAdd = List.copyOf(toAdd);
    toUpdate = List.copyOf(toUpdate);
    instances = List.copyOf(instances);
    instanceSources = List.copyOf(instanceSources);
  }
}
