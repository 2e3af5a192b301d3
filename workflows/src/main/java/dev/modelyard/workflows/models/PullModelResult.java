package dev.modelyard.workflows.models;

public record PullModelResult(String modelId, String hostId, long sizeBytes, String sha256) {}
