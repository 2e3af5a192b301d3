package dev.modelyard.infra.registry;

/**
 * What the gateway needs to send a request to an instance, and nothing more. The digest names the
 * exact model version, so that a cached answer of another version is never served.
 *
 * @param routingWeight the instance's share under the weighted strategy
 * @param routingStrategy the model's strategy, or null for the gateway's default
 * @param contextLength tokens the instance holds per request, or null where unknown
 */
public record RoutableInstance(
    String instanceId,
    String provider,
    String modelName,
    String modelDigest,
    String endpoint,
    int healthScore,
    int routingWeight,
    String routingStrategy,
    Integer contextLength) {}
