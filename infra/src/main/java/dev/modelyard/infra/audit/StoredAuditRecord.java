package dev.modelyard.infra.audit;

/** An audit record as stored, with the id the database gave it. */
public record StoredAuditRecord(long auditId, AuditRecord record) {}
