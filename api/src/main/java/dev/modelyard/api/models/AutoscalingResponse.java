package dev.modelyard.api.models;

/**
 * The answer to setting a policy: the deployment follows it from now (null: autoscaling is off) and
 * holds {@code desired_instances} at once; poll {@code status_url} to watch its decisions.
 */
record AutoscalingResponse(
    String taskId, AutoscalingView autoscaling, int desiredInstances, String statusUrl) {}
