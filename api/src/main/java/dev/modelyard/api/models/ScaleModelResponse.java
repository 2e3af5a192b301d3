package dev.modelyard.api.models;

/**
 * The answer to a scale: the deployment accepted the count and reconciles toward it in the
 * background; poll {@code status_url} to watch the instances follow.
 */
record ScaleModelResponse(String taskId, int desiredInstances, String statusUrl) {}
