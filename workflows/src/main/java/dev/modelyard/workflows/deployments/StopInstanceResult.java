package dev.modelyard.workflows.deployments;

/** The instance is stopped, its container (if it had one) removed and its memory released. */
public record StopInstanceResult(String instanceId, String hostId) {}
