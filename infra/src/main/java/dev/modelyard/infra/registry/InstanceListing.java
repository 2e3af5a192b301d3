package dev.modelyard.infra.registry;

import java.time.Instant;

public record InstanceListing(
    String instanceId,
    String modelId,
    String hostId,
    String endpoint,
    String state,
    int healthScore,
    String failureReason,
    Instant startedAt) {}
