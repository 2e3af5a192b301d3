package dev.modelyard.workflows.maintenance;

/**
 * A model a provider reports as loaded and serving, e.g. one of Ollama's {@code /api/ps}: an
 * instance at {@code endpoint} that Modelyard did not start, so it lives on no host of ours.
 */
public record DiscoveredInstance(
    String instanceId, String provider, String modelName, String endpoint) {}
