package dev.modelyard.workflows.health;

import java.time.Duration;

/** Probe this endpoint: liveness within the first timeout, a one-token generation in the second. */
public record ProbeRequest(
    String instanceId,
    String modelName,
    String endpoint,
    Duration livenessTimeout,
    Duration generationTimeout) {}
