package dev.modelyard.infra.audit;

import java.time.Instant;

/**
 * Which audit records to list, newest first. Every filter is optional (null); {@code from} is
 * inclusive, {@code to} exclusive.
 *
 * @param page zero-based page number, counted from the newest record (0 with {@code after})
 * @param size records per page, 1 to {@link #MAX_SIZE}
 * @param after the records after this cursor (the end of the page before), or null
 */
public record AuditQuery(
    Instant from,
    Instant to,
    String caller,
    String model,
    Integer status,
    int page,
    int size,
    AuditCursor after) {

  public static final int DEFAULT_SIZE = 50;
  public static final int MAX_SIZE = 1000;

  public AuditQuery {
    if (page < 0) {
      throw new IllegalArgumentException("page must be ≥ 0, was " + page);
    }
    if (size < 1 || size > MAX_SIZE) {
      throw new IllegalArgumentException("size must be 1 to " + MAX_SIZE + ", was " + size);
    }
    if (after != null && page != 0) {
      throw new IllegalArgumentException("a page follows a cursor, not a page number: page 0");
    }
  }
}
