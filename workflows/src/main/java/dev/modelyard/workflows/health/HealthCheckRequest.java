package dev.modelyard.workflows.health;

import java.util.Map;
import java.util.TreeMap;

/**
 * Starts the loop, or continues it as new: the policy, what it knows of each instance, and how many
 * rounds all its runs together have done.
 */
public record HealthCheckRequest(
    HealthPolicy policy, Map<String, InstanceHealth> instances, long rounds) {

  public HealthCheckRequest {
    policy = policy != null ? policy : HealthPolicy.DEFAULTS;
    // Sorted, so that every run visits instances in the same order, replay included.
    instances = instances == null ? new TreeMap<>() : new TreeMap<>(instances);
  }

  public static HealthCheckRequest start(HealthPolicy policy) {
    return new HealthCheckRequest(policy, null, 0);
  }
}
