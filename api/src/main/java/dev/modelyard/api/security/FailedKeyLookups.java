package dev.modelyard.api.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many presented API keys each client address had looked up in PostgreSQL and not found, per
 * minute (lookups under way count until they find a key). A key found unknown is remembered, but
 * every new made-up key costs a query, and keys are checked before any rate limit (the limit counts
 * per caller, and an unknown key is no caller): a client sending a fresh made-up key per request
 * would turn its whole rate into queries. Past the limit, that address's keys that are not cached
 * are refused until its minute is over; cached keys, known or unknown, cost nothing and are
 * answered as always. An IPv6 address counts with its /64. Counted per replica.
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

  /**
   * Counts a lookup for this address before it is made, so that lookups under way at once count
   * too; refuses it when the address has used up its minute. {@link #found} takes it back.
   */
  Window begin(String address, Instant now) {
    Window window =
        windows
            .asMap()
            .compute(
                key(address),
                (a, current) ->
                    current == null || current.endedBy(now) ? new Window(now) : current);
    int lookups;
    do {
      lookups = window.lookups.get();
      if (lookups >= limit) {
        throw new KeyLookupsRefusedException(Duration.between(now, window.start.plus(WINDOW)));
      }
    } while (!window.lookups.compareAndSet(lookups, lookups + 1));
    return window;
  }

  /** The lookup counted in {@code window} found a key, or could not be made: it was no guess. */
  void found(Window window) {
    window.lookups.updateAndGet(lookups -> Math.max(0, lookups - 1));
  }

  /**
   * The address, or for IPv6 its /64: a host is usually given a whole /64 and can pick a fresh
   * address in it for every request.
   */
  static String key(String address) {
    if (address == null) {
      return UNKNOWN_ADDRESS;
    }
    if (address.indexOf(':') < 0) {
      return address;
    }
    try {
      byte[] bytes = InetAddress.ofLiteral(address).getAddress();
      return bytes.length == 16 ? HexFormat.of().formatHex(bytes, 0, 8) + "::/64" : address;
    } catch (IllegalArgumentException e) {
      return address;
    }
  }

  /** One address's minute: lookups that found no key, or are still under way. */
  static final class Window {

    private final Instant start;
    private final AtomicInteger lookups = new AtomicInteger();

    private Window(Instant start) {
      this.start = start;
    }

    private boolean endedBy(Instant now) {
      return !now.isBefore(start.plus(WINDOW));
    }
  }
}
