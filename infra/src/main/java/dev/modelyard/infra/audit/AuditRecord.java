package dev.modelyard.infra.audit;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * One API call: a row of {@code request_audit}. The generation fields are null for calls that were
 * not a served generation (a lifecycle call, or a generation that failed).
 *
 * @param caller who asked, as the rate limiter names callers: {@code key:<sha256 of the key>} or
 *     {@code ip:<address>}; never a raw key
 * @param prompt the request body, only where recording bodies is switched on
 * @param response the response body, likewise
 */
public record AuditRecord(
    Instant occurredAt,
    String caller,
    String method,
    String endpoint,
    String model,
    String provider,
    String instanceId,
    Integer promptTokens,
    Integer completionTokens,
    int latencyMs,
    int status,
    boolean cacheHit,
    BigDecimal costUsd,
    String prompt,
    String response) {

  public AuditRecord {
    Objects.requireNonNull(occurredAt, "occurredAt");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(endpoint, "endpoint");
  }
}
