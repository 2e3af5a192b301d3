package dev.modelyard.workflows.health;

import dev.modelyard.workflows.deployments.ResourceRequirements;
import dev.modelyard.workflows.models.Provider;

/**
 * Everything a restart needs to start an instance again exactly as it was started.
 *
 * @param provider the model's provider, which decides the server that runs it (null in targets read
 *     before it was sent)
 */
public record RestartTarget(
    String instanceId,
    String modelId,
    String hostId,
    String modelPath,
    ResourceRequirements resources,
    Provider provider) {

  public RestartTarget(
      String instanceId,
      String modelId,
      String hostId,
      String modelPath,
      ResourceRequirements resources) {
    this(instanceId, modelId, hostId, modelPath, resources, null);
  }
}
