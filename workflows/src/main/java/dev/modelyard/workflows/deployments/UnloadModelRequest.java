package dev.modelyard.workflows.deployments;

import dev.modelyard.workflows.models.ModelRef;
import java.util.List;
import java.util.Objects;

/**
 * Unloads a model.
 *
 * @param instanceIds only these of its instances, or null for all: cleanup names the idle ones it
 *     saw, so that an instance started after it looked (a load, a new deployment) is left running
 */
public record UnloadModelRequest(ModelRef model, List<String> instanceIds) {

  public UnloadModelRequest {
    Objects.requireNonNull(model, "model");
    instanceIds = instanceIds == null ? null : List.copyOf(instanceIds);
  }

  /** All of the model's instances. */
  public UnloadModelRequest(ModelRef model) {
    this(model, null);
  }

  boolean includes(String instanceId) {
    return instanceIds == null || instanceIds.contains(instanceId);
  }
}
