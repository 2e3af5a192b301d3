package dev.modelyard.workflows.deployments;

import java.util.List;

/**
 * What the deployment workflow knows: the desired count, what it is doing, and the instances it saw
 * active at its last reconciliation (the registry remains the source of their states and health).
 */
public record DeploymentState(
    int desiredInstances, String phase, List<String> instanceIds, String lastFailure) {}
