package dev.modelyard.workflows.models;

public record RegisterModel(ModelRef model, String hostId, ModelFileFacts file) {}
