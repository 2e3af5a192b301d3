package dev.modelyard.workflows.deployments;

/**
 * An instance about to start, with what it is started with so that a restart can repeat it.
 *
 * @param deployment the deployment it belongs to (its workflow ID), or null for a plain load
 */
public record NewInstance(
    String instanceId,
    String modelId,
    String hostId,
    ResourceRequirements resources,
    String deployment) {

  /** An instance outside any deployment. */
  public NewInstance(
      String instanceId, String modelId, String hostId, ResourceRequirements resources) {
    this(instanceId, modelId, hostId, resources, null);
  }
}
