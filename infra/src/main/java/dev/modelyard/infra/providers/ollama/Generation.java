package dev.modelyard.infra.providers.ollama;

import java.time.Duration;

/**
 * A completed, non-streamed generation with Ollama's token counts and timings.
 *
 * @param doneReason why generation stopped: {@code stop} (end of text) or {@code length}
 * @param promptEvalCount tokens in the prompt that had to be evaluated (cached ones excluded)
 * @param evalCount tokens generated
 * @param loadDuration time spent loading the model, zero when it was loaded already
 */
public record Generation(
    String text,
    String model,
    String doneReason,
    int promptEvalCount,
    int evalCount,
    Duration totalDuration,
    Duration loadDuration,
    Duration promptEvalDuration,
    Duration evalDuration) {}
