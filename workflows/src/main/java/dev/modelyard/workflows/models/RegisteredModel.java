package dev.modelyard.workflows.models;

/** A model the registry knows: where its files are and on which host. */
public record RegisteredModel(String modelId, ModelRef model, String location, String hostId) {}
