package dev.modelyard.workflows.deployments;

/** The desired count the deployment accepted; instances follow asynchronously. */
public record ScaleAccepted(int desiredInstances) {}
