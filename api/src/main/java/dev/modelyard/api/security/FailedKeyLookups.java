package dev.modelyard.api.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many presented API keys each client address had looked up in PostgreSQL and not found, per
 * minute. A key found unknown is remembered, but every new made-up key costs a query, and keys are
 * checked before any rate limit (the limit counts per caller, and an unknown key is no caller): a
 * client sending a fresh made-up key per request would turn its whole rate into queries. Past the
 * limit, that address's keys that are not cached are refused until its minute is over; cached keys,
 * known or unknown, cost nothing and are answered as always. Counted per replica.
 */
final class FailedKeyLookups {

  static final Duration WINDOW = Duration.ofMinutes(1);
  private static final String UNKNOWN_ADDRESS = "";

  private final int limit;
  private final Cache<String, Window> windows =
      Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(WINDOW).build();

  /**
   * @param limit lookups finding no key that one address may make per minute
   */
  FailedKeyLookups(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
    this.limit = limit;
  }

  /** Refuses a lookup for an address that has used up its minute. */
  void checkAllowed(String address, Instant now) {
    Window window = windows.getIfPresent(key(address));
    if (window != null && !window.endedBy(now) && window.failures.get() >= limit) {
      throw new KeyLookupsRefusedException(Duration.between(now, window.start.plus(WINDOW)));
    }
  }

  void failed(String address, Instant now) {
    windows
        .asMap()
        .compute(
            key(address),
            (a, window) -> window == null || window.endedBy(now) ? new Window(now) : window)
        .failures
        .incrementAndGet();
  }

  private static String key(String address) {
    return address == null ? UNKNOWN_ADDRESS : address;
  }

  private record Window(Instant start, AtomicInteger failures) {

    Window(Instant start) {
      this(start, new AtomicInteger());
    }

    boolean endedBy(Instant now) {
      return !now.isBefore(start.plus(WINDOW));
    }
  }
}
