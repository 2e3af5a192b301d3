package dev.modelyard.infra.audit;

import java.util.List;

/** One page of audit records, and how many match the query in all. */
public record AuditPage(List<StoredAuditRecord> records, long total) {

  public AuditPage {
    records = List.copyOf(records);
  }
}
