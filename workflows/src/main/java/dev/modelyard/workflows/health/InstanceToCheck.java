package dev.modelyard.workflows.health;

/**
 * An instance the registry says should be serving: ready, unhealthy, or starting for too long. The
 * model name goes into the probe, since servers that serve several models need it.
 */
public record InstanceToCheck(
    String instanceId, String modelName, String hostId, String endpoint, String state) {}
