package dev.modelyard.workflows.deployments;

import dev.modelyard.workflows.autoscaling.AutoscalingPolicy;

/**
 * The policy the deployment now follows (null: none) and the count it holds at once: a count
 * outside the policy's bounds moves to the nearest bound as the policy is set.
 */
public record AutoscalingAccepted(AutoscalingPolicy policy, int desiredInstances) {}
