package dev.modelyard.workflows.deployments;

public record LoadModelResult(
    String instanceId, String endpoint, String hostId, boolean alreadyLoaded) {}
