package dev.modelyard.infra.audit;

import java.util.List;

/**
 * One page of audit records, and how many match the query in all, counted up to {@link
 * AuditRecords#COUNT_LIMIT}.
 *
 * @param totalIsExact false when more than the count limit match: {@code total} is then the limit
 * @param next the cursor of the page after this one, or null when this one is the last
 */
public record AuditPage(
    List<StoredAuditRecord> records, long total, boolean totalIsExact, AuditCursor next) {

  public AuditPage {
    records = List.copyOf(records);
  }
}
