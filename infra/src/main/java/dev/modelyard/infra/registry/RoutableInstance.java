package dev.modelyard.infra.registry;

/** What the gateway needs to send a request to an instance, and nothing more. */
public record RoutableInstance(
    String instanceId, String provider, String modelName, String endpoint, int healthScore) {}
