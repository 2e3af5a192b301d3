package dev.modelyard.infra.providers.ollama;

import java.time.Instant;

/**
 * A model loaded in memory (one entry of {@code /api/ps}).
 *
 * @param size bytes of memory it takes in all
 * @param sizeVram the part of {@code size} on the GPU; 0 when it runs on the CPU
 * @param expiresAt when Ollama unloads it unless it is used again
 */
public record RunningModel(
    String name,
    String model,
    long size,
    long sizeVram,
    String digest,
    ModelDetails details,
    Instant expiresAt,
    long contextLength) {}
