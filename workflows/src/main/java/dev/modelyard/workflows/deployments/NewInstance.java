package dev.modelyard.workflows.deployments;

/** An instance about to start, with what it is started with so that a restart can repeat it. */
public record NewInstance(
    String instanceId, String modelId, String hostId, ResourceRequirements resources) {}
