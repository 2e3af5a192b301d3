package dev.modelyard.workflows.health;

/**
 * An instance the registry says should be serving: ready, unhealthy, or starting for too long. The
 * model name goes into the probe, since servers that serve several models need it.
 *
 * @param provider the model's provider (wire name), which names the workflows that may own it
 */
public record InstanceToCheck(
    String instanceId,
    String modelName,
    String hostId,
    String endpoint,
    String state,
    String provider) {

  boolean starting() {
    return "starting".equals(state);
  }
}
