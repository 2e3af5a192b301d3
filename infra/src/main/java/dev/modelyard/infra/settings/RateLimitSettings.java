package dev.modelyard.infra.settings;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.convert.DurationUnit;

/**
 * RATE_LIMIT_REQUESTS per RATE_LIMIT_WINDOW seconds, per caller, and RATE_LIMIT_GLOBAL_REQUESTS per
 * the same window for all callers together.
 */
@ConfigurationProperties("modelyard.rate-limit")
public record RateLimitSettings(
    @DefaultValue("100") int requests,
    @DefaultValue("60") @DurationUnit(ChronoUnit.SECONDS) Duration window,
    Integer globalRequests) {

  /**
   * Without RATE_LIMIT_GLOBAL_REQUESTS, ten callers at their full rate use up the whole budget:
   * high enough that one caller never starves the others, low enough that fresh identities (an
   * unknown API key or address each time) cannot flood the backends.
   */
  public static final int DEFAULT_GLOBAL_MULTIPLE = 10;

  /** A month's quota is the longest window a limit is counted over. */
  public static final Duration MAX_WINDOW = Duration.ofDays(31);

  public RateLimitSettings {
    if (requests < 1) {
      throw new IllegalArgumentException("RATE_LIMIT_REQUESTS must be at least 1");
    }
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("RATE_LIMIT_WINDOW must be a positive number of seconds");
    }
    if (window.compareTo(MAX_WINDOW) > 0) {
      // A window of centuries overflowed as nanoseconds and failed every generation request.
      throw new IllegalArgumentException(
          "RATE_LIMIT_WINDOW must be at most " + MAX_WINDOW.toSeconds() + " seconds (31 days)");
    }
    long most = mostRequests(window);
    requireAtMost("RATE_LIMIT_REQUESTS", requests, most);
    if (globalRequests == null) {
      globalRequests =
          (int)
              Math.min(
                  Math.min(Integer.MAX_VALUE, most), (long) requests * DEFAULT_GLOBAL_MULTIPLE);
    }
    if (globalRequests < 1) {
      throw new IllegalArgumentException(
          "RATE_LIMIT_GLOBAL_REQUESTS must be at least 1, was " + globalRequests);
    }
    requireAtMost("RATE_LIMIT_GLOBAL_REQUESTS", globalRequests, most);
  }

  private static void requireAtMost(String variable, long requests, long most) {
    if (requests > most) {
      throw new IllegalArgumentException(
          variable + " must be at most " + most + " (one a microsecond of the window)");
    }
  }

  /**
   * The most requests a window can be given: a limit spaces them a whole number of microseconds
   * apart (as Redis keeps time), so beyond one a microsecond the limit would not hold.
   */
  public long mostRequests() {
    return mostRequests(window);
  }

  private static long mostRequests(Duration window) {
    return window.toNanos() / 1_000;
  }
}
