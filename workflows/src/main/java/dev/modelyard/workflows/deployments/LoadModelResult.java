package dev.modelyard.workflows.deployments;

/**
 * The instance serving a loaded model.
 *
 * @param containerId its container, when its host's runtime runs containers; else null
 */
public record LoadModelResult(
    String instanceId, String endpoint, String hostId, boolean alreadyLoaded, String containerId) {

  public LoadModelResult(String instanceId, String endpoint, String hostId, boolean alreadyLoaded) {
    this(instanceId, endpoint, hostId, alreadyLoaded, null);
  }
}
