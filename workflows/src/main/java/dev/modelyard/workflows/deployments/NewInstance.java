package dev.modelyard.workflows.deployments;

public record NewInstance(String instanceId, String modelId, String hostId) {}
