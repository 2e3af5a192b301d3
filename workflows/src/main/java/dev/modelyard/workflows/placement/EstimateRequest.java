package dev.modelyard.workflows.placement;

/**
 * Which model, with the context an instance would be started with; nulls take the runtime's
 * defaults.
 */
public record EstimateRequest(String modelId, Integer contextLength, Integer parallelSlots) {}
