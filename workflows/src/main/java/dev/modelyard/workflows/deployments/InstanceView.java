package dev.modelyard.workflows.deployments;

/** An instance as the registry holds it. */
public record InstanceView(String instanceId, String modelId, String hostId, String endpoint) {}
