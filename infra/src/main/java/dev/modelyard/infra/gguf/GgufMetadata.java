package dev.modelyard.infra.gguf;

/** The facts in a GGUF header that placement and the models API need. */
public record GgufMetadata(
    int version,
    String architecture,
    String name,
    long parameterCount,
    String quantisation,
    int contextLength,
    long tensorCount) {}
