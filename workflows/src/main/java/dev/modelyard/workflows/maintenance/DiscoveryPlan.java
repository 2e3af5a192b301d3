package dev.modelyard.workflows.maintenance;

import java.util.List;

/**
 * What discovery writes: new models, changed ones, and the instances providers report as loaded.
 * Nothing in it deletes a model.
 *
 * @param toAdd models the registry did not hold when discovery read it: added unless one of the
 *     same provider and name has been registered since
 * @param toUpdate registered models with what providers reported merged in
 * @param instanceSources the sources whose instance lists are complete: an instance that one of
 *     them created earlier and no longer reports is recorded stopped
 * @param toUpdateAsRead each of {@code toUpdate} as discovery read it, in the same order: an update
 *     is written only while the row still holds these values, so that a registration or pull made
 *     since is not reverted (the next run merges into it). Null in a plan made before it existed,
 *     whose updates are then left to the next run.
 */
public record DiscoveryPlan(
    List<ModelEntry> toAdd,
    List<ModelEntry> toUpdate,
    int unchanged,
    List<DiscoveredInstance> instances,
    List<String> instanceSources,
    List<ModelEntry> toUpdateAsRead) {

  public DiscoveryPlan {
    toAdd = List.copyOf(toAdd);
    toUpdate = List.copyOf(toUpdate);
    instances = List.copyOf(instances);
    instanceSources = List.copyOf(instanceSources);
    if (toUpdateAsRead != null) {
      toUpdateAsRead = List.copyOf(toUpdateAsRead);
      if (toUpdateAsRead.size() != toUpdate.size()) {
        throw new IllegalArgumentException(
            "toUpdateAsRead must hold one entry per update, has "
                + toUpdateAsRead.size()
                + " for "
                + toUpdate.size());
      }
    }
  }
}
