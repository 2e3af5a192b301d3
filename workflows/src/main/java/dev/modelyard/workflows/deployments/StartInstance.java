package dev.modelyard.workflows.deployments;

/**
 * What a host needs to start an instance.
 *
 * @param deployment the deployment the instance belongs to (its workflow ID), or null for a plain
 *     load; runtimes that label what they start record it
 */
public record StartInstance(
    String instanceId,
    String modelId,
    String modelPath,
    ResourceRequirements resources,
    String deployment) {

  public StartInstance(
      String instanceId, String modelId, String modelPath, ResourceRequirements resources) {
    this(instanceId, modelId, modelPath, resources, null);
  }
}
