package dev.modelyard.api.gateway;

import java.math.BigDecimal;

/**
 * What one served generation was, left on the HTTP request (under {@link #ATTRIBUTE}) by the
 * generation endpoints once the answer is written, for the audit log and the metrics to read. A
 * request that failed has none.
 *
 * @param endpoint the path served, e.g. {@code /v1/chat/completions}
 * @param instanceId the instance that answered; {@code cloud:<provider>} for a cloud fallback
 * @param firstTokenNanos time to the first event of a stream; -1 when not streamed
 * @param costUsd what the request cost (0 for local models and cache hits)
 */
public record GenerationOutcome(
    String endpoint,
    String model,
    String provider,
    String instanceId,
    boolean cached,
    boolean streamed,
    int promptTokens,
    int completionTokens,
    long firstTokenNanos,
    BigDecimal costUsd) {

  public static final String ATTRIBUTE = GenerationOutcome.class.getName();
}
