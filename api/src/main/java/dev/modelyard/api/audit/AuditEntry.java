package dev.modelyard.api.audit;

import dev.modelyard.infra.audit.AuditRecord;
import dev.modelyard.infra.audit.StoredAuditRecord;
import java.math.BigDecimal;
import java.time.Instant;

/** One audit record as the API shows it; bodies only appear where they were recorded. */
record AuditEntry(
    long auditId,
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

  static AuditEntry of(StoredAuditRecord stored) {
    AuditRecord r = stored.record();
    return new AuditEntry(
        stored.auditId(),
        r.occurredAt(),
        r.caller(),
        r.method(),
        r.endpoint(),
        r.model(),
        r.provider(),
        r.instanceId(),
        r.promptTokens(),
        r.completionTokens(),
        r.latencyMs(),
        r.status(),
        r.cacheHit(),
        r.costUsd(),
        r.prompt(),
        r.response());
  }
}
