package dev.modelyard.workflows.health;

import java.util.Objects;

public record RestartInstanceRequest(String instanceId, String reason, RestartPolicy policy) {

  public RestartInstanceRequest {
    Objects.requireNonNull(instanceId, "instanceId");
    policy = policy != null ? policy : RestartPolicy.DEFAULTS;
  }
}
