package dev.modelyard.workflows.deployments;

import dev.modelyard.workflows.autoscaling.AutoscalingPolicy;

/** Sets a deployment's autoscaling policy; a null policy turns autoscaling off. */
public record AutoscalingRequest(AutoscalingPolicy policy) {}
