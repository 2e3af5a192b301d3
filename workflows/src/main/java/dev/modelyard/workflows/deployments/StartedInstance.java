package dev.modelyard.workflows.deployments;

/**
 * A running instance that has answered a real generation.
 *
 * @param containerId the container it runs in, when the host's runtime runs containers; else null
 */
public record StartedInstance(String instanceId, String endpoint, String containerId) {

  public StartedInstance(String instanceId, String endpoint) {
    this(instanceId, endpoint, null);
  }
}
