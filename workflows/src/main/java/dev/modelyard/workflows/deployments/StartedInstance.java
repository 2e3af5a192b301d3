package dev.modelyard.workflows.deployments;

/** A running instance that has answered a real generation. */
public record StartedInstance(String instanceId, String endpoint) {}
