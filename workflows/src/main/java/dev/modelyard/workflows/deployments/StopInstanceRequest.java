package dev.modelyard.workflows.deployments;

import java.util.Objects;

/** One instance to stop, on the host that runs it (as the registry or its container says). */
public record StopInstanceRequest(String instanceId, String hostId) {

  public StopInstanceRequest {
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(hostId, "hostId");
  }
}
