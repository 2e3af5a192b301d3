package dev.modelyard.api.audit;

import dev.modelyard.api.errors.InstantFields;
import dev.modelyard.api.errors.InvalidFieldException;
import dev.modelyard.infra.audit.AuditCursor;
import dev.modelyard.infra.audit.AuditPage;
import dev.modelyard.infra.audit.AuditQuery;
import dev.modelyard.infra.audit.AuditRecords;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The audit log, newest first: {@code from} (inclusive) and {@code to} (exclusive) as ISO-8601
 * instants, {@code caller} as the log names callers ({@code key:<sha256>} or {@code ip:<address>}),
 * {@code model}, {@code status} (an HTTP status), {@code size} up to 1000, and {@code cursor} (the
 * {@code next_cursor} of the page before) or {@code page} from 0. A cursor's pages neither repeat
 * nor skip records written while a client walks them; a page number counts from the newest record.
 * {@code total} is counted up to {@link AuditRecords#COUNT_LIMIT} ({@code total_is_exact} says
 * whether more match).
 */
@RestController
class AuditController {

  private final AuditRecords records;

  AuditController(AuditRecords records) {
    this.records = records;
  }

  @GetMapping("/api/v1/local-llm/audit")
  AuditResponse audit(
      @RequestParam(required = false) String from,
      @RequestParam(required = false) String to,
      @RequestParam(required = false) String caller,
      @RequestParam(required = false) String model,
      @RequestParam(required = false) String status,
      @RequestParam(required = false) String page,
      @RequestParam(required = false) String size,
      @RequestParam(required = false) String cursor) {
    Instant start = instant("from", from);
    Instant end = instant("to", to);
    if (start != null && end != null && !start.isBefore(end)) {
      throw new InvalidFieldException("to", "to must be after from (" + from + "), was " + to);
    }
    Integer statusCode = whole("status", status, null, 100, 599);
    int pageNumber = whole("page", page, 0, 0, Integer.MAX_VALUE / AuditQuery.MAX_SIZE);
    int pageSize = whole("size", size, AuditQuery.DEFAULT_SIZE, 1, AuditQuery.MAX_SIZE);
    AuditCursor after = cursor(cursor);
    if (after != null && page != null && !page.isBlank()) {
      throw new InvalidFieldException(
          "page", "page must be left out with a cursor, which says where the page starts");
    }
    AuditPage found =
        records.find(
            new AuditQuery(
                start,
                end,
                blankToNull(caller),
                blankToNull(model),
                statusCode,
                pageNumber,
                pageSize,
                after));
    List<AuditEntry> entries = found.records().stream().map(AuditEntry::of).toList();
    return new AuditResponse(
        entries,
        pageNumber,
        pageSize,
        found.total(),
        found.totalIsExact(),
        found.next() == null ? null : found.next().encode());
  }

  private static AuditCursor cursor(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      AuditCursor cursor = AuditCursor.decode(value.strip());
      InstantFields.within("cursor", cursor.occurredAt());
      return cursor;
    } catch (IllegalArgumentException e) {
      throw new InvalidFieldException(
          "cursor",
          "cursor must be the next_cursor of an earlier page, unchanged, was '" + value + "'");
    }
  }

  private static Instant instant(String field, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return InstantFields.within(field, Instant.parse(value.strip()));
    } catch (DateTimeParseException e) {
      throw new InvalidFieldException(
          field,
          field + " must be an ISO-8601 instant such as 2025-03-01T00:00:00Z, was '" + value + "'");
    }
  }

  private static Integer whole(String field, String value, Integer unset, int min, int max) {
    if (value == null || value.isBlank()) {
      return unset;
    }
    try {
      int parsed = Integer.parseInt(value.strip());
      if (parsed >= min && parsed <= max) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // Answered below, as an out-of-range value is.
    }
    throw new InvalidFieldException(
        field,
        field + " must be a whole number from " + min + " to " + max + ", was '" + value + "'");
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }

  record AuditResponse(
      List<AuditEntry> records,
      int page,
      int size,
      long total,
      boolean totalIsExact,
      String nextCursor) {}
}
