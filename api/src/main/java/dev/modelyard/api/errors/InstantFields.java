package dev.modelyard.api.errors;

import java.time.Instant;

/**
 * Instants a request may carry: years 1 to 9999. Java reads far larger ones ("+300000-01-01…"),
 * which PostgreSQL refuses, and then the caller's typo became a 500.
 */
public final class InstantFields {

  static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
  static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

  private InstantFields() {}

  /** The value, if it is within years 1 to 9999; else a 400 naming the field. */
  public static Instant within(String field, Instant value) {
    if (value != null && (value.isBefore(EARLIEST) || value.isAfter(LATEST))) {
      throw new InvalidFieldException(
          field, field + " must be within the years 1 to 9999, was " + value);
    }
    return value;
  }
}
