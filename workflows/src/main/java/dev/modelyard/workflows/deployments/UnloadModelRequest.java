package dev.modelyard.workflows.deployments;

import dev.modelyard.workflows.models.ModelRef;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Unloads a model.
 *
 * @param instanceIds only these of its instances, or null for all: cleanup names the idle ones it
 *     saw, so that an instance started after it looked (a load, a new deployment) is left running
 * @param idleTtl for an idle cleanup's unload, how long an instance must have gone unused: each is
 *     checked again as it is taken out of routing, and one used since cleanup looked is kept; null
 *     (a user's unload) stops them whatever their use
 */
public record UnloadModelRequest(ModelRef model, List<String> instanceIds, Duration idleTtl) {

  public UnloadModelRequest {
    Objects.requireNonNull(model, "model");
    instanceIds = instanceIds == null ? null : List.copyOf(instanceIds);
  }

  /** These of the model's instances (null: all), whatever their use. */
  public UnloadModelRequest(ModelRef model, List<String> instanceIds) {
    this(model, instanceIds, null);
  }

  /** All of the model's instances. */
  public UnloadModelRequest(ModelRef model) {
    this(model, null, null);
  }

  boolean includes(String instanceId) {
    return instanceIds == null || instanceIds.contains(instanceId);
  }
}
