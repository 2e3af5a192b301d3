package dev.modelyard.infra.temporal;

/** Where the Temporal frontend listens, and which namespace Modelyard uses there. */
public record TemporalEndpoint(String target, String namespace) {}
