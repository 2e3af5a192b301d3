package dev.modelyard.workflows.deployments;

public record ScaleRequest(int desiredInstances) {}
