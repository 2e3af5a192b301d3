package dev.modelyard.workflows.health;

import dev.modelyard.workflows.deployments.ResourceRequirements;

/** Everything a restart needs to start an instance again exactly as it was started. */
public record RestartTarget(
    String instanceId,
    String modelId,
    String hostId,
    String modelPath,
    ResourceRequirements resources) {}
