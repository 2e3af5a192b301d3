package dev.modelyard.infra.providers.ollama;

import java.time.Instant;

/**
 * A model stored on the Ollama server (one entry of {@code /api/tags}).
 *
 * @param name the name to use in requests, with its tag, e.g. {@code llama3.2:latest}
 * @param size bytes on disk
 * @param digest the manifest's SHA-256, hex
 */
public record OllamaModel(
    String name,
    String model,
    long size,
    String digest,
    Instant modifiedAt,
    ModelDetails details) {}
