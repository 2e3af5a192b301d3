package dev.modelyard.workflows.health;

import dev.modelyard.workflows.deployments.ResourceRequirements;
import dev.modelyard.workflows.models.Provider;

/**
 * Everything a restart needs to start an instance again exactly as it was started.
 *
 * @param provider the model's provider, which decides the server that runs it (null in targets read
 *     before it was sent)
 * @param deployment the deployment the instance belongs to (its workflow ID), so that the restarted
 *     instance is labelled as the first start labelled it; null for a plain load, and for instances
 *     recorded before the registry kept it
 */
public record RestartTarget(
    String instanceId,
    String modelId,
    String hostId,
    String modelPath,
    ResourceRequirements resources,
    Provider provider,
    String deployment) {

  /** A target outside any deployment. */
  public RestartTarget(
      String instanceId,
      String modelId,
      String hostId,
      String modelPath,
      ResourceRequirements resources,
      Provider provider) {
    this(instanceId, modelId, hostId, modelPath, resources, provider, null);
  }

  public RestartTarget(
      String instanceId,
      String modelId,
      String hostId,
      String modelPath,
      ResourceRequirements resources) {
    this(instanceId, modelId, hostId, modelPath, resources, null, null);
  }
}
