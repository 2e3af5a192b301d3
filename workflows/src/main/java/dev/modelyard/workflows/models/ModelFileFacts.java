package dev.modelyard.workflows.models;

/** What a model file turned out to be once read: size, checksum and the GGUF header's facts. */
public record ModelFileFacts(
    String path,
    long sizeBytes,
    String sha256,
    String format,
    String architecture,
    long parameterCount,
    String quantisation,
    int contextLength) {}
