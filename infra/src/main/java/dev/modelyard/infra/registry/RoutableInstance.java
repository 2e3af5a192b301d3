package dev.modelyard.infra.registry;

/**
 * What the gateway needs to send a request to an instance, and nothing more. The digest names the
 * exact model version, so that a cached answer of another version is never served.
 */
public record RoutableInstance(
    String instanceId,
    String provider,
    String modelName,
    String modelDigest,
    String endpoint,
    int healthScore) {}
