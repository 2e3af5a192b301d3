package dev.modelyard.api.costs;

import dev.modelyard.api.errors.InstantFields;
import dev.modelyard.api.errors.InvalidFieldException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The cost report. {@code from} and {@code to} are ISO dates (UTC days, both included) or instants
 * ({@code to} excluded); unset, the report runs from the first of this month to now.
 */
@RestController
class CostsController {

  /** The longest range one report covers: a year and a day, so that any calendar year fits. */
  static final Duration LONGEST_REPORT = Duration.ofDays(367);

  private final CostReports reports;
  private final Clock clock;

  CostsController(CostReports reports) {
    this.reports = reports;
    this.clock = Clock.systemUTC();
  }

  @GetMapping("/api/v1/local-llm/costs")
  CostReport costs(
      @RequestParam(required = false) String from, @RequestParam(required = false) String to) {
    Instant now = clock.instant();
    Instant start =
        from == null || from.isBlank()
            ? LocalDate.ofInstant(now, ZoneOffset.UTC)
                .withDayOfMonth(1)
                .atStartOfDay(ZoneOffset.UTC)
                .toInstant()
            : bound("from", from.strip(), false);
    Instant end = to == null || to.isBlank() ? now : bound("to", to.strip(), true);
    if (!start.isBefore(end)) {
      if (to == null || to.isBlank()) {
        throw new InvalidFieldException(
            "from", "from must be before now (" + end + "), was " + start);
      }
      throw new InvalidFieldException("to", "to must be after from (" + start + "), was " + end);
    }
    if (Duration.between(start, end).compareTo(LONGEST_REPORT) > 0) {
      // A report is one aggregation of every record in its range, answered at once.
      throw new InvalidFieldException(
          to == null || to.isBlank() ? "from" : "to",
          "a report spans at most %d days, was %d (from %s); ask for several"
              .formatted(LONGEST_REPORT.toDays(), Duration.between(start, end).toDays(), start));
    }
    return reports.report(start, end);
  }

  /** A day covers all of it: as {@code to}, the report runs to the end of that day. */
  private static Instant bound(String field, String value, boolean end) {
    try {
      if (value.length() == 10) {
        LocalDate day = LocalDate.parse(value);
        return InstantFields.within(
            field, (end ? day.plusDays(1) : day).atStartOfDay(ZoneOffset.UTC).toInstant());
      }
      return InstantFields.within(field, Instant.parse(value));
    } catch (DateTimeParseException e) {
      throw new InvalidFieldException(
          field,
          field
              + " must be an ISO date such as 2025-03-01 or an instant such as"
              + " 2025-03-01T12:00:00Z, was '"
              + value
              + "'");
    }
  }
}
