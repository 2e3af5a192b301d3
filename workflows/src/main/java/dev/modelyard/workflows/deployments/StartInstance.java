package dev.modelyard.workflows.deployments;

public record StartInstance(
    String instanceId, String modelId, String modelPath, ResourceRequirements resources) {}
