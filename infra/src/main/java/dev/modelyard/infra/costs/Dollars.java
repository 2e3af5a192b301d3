package dev.modelyard.infra.costs;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;

/** How budget refusals write amounts and the month they count from. */
final class Dollars {

  private Dollars() {}

  /** Cents, or more digits when they matter ($0.0042 rather than $0.00). */
  static String format(BigDecimal amount) {
    int scale = Math.clamp(amount.stripTrailingZeros().scale(), 2, ModelPrice.SCALE);
    return amount.setScale(scale, RoundingMode.HALF_UP).toPlainString();
  }

  /** The first day of the current month, UTC, as budgets count it. */
  static LocalDate firstOfMonth(Clock clock) {
    return LocalDate.now(clock.withZone(ZoneOffset.UTC)).withDayOfMonth(1);
  }
}
