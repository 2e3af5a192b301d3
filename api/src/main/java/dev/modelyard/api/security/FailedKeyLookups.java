package dev.modelyard.api.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many presented API keys each client address had looked up in PostgreSQL and not found, per
 * minute (lookups under way count until they find a key), and how many all addresses together had.
 * A key found unknown is remembered, but every new made-up key costs a query, and keys are checked
 * before any rate limit (the limit counts per caller, and an unknown key is no caller): a client
 * sending a fresh made-up key per request would turn its whole rate into queries. Past its limit,
 * that address's keys that are not cached are refused until its minute is over; past the limit of
 * all addresses together (many addresses, as a botnet has), every address's are, until that minute
 * is over. Cached keys, known or unknown, cost nothing and are answered as always. An IPv6 address
 * counts with its /64. Counted per replica.
 */
final class FailedKeyLookups {

  private static final Logger log = LoggerFactory.getLogger(FailedKeyLookups.class);

  static final Duration WINDOW = Duration.ofMinutes(1);
  private static final String UNKNOWN_ADDRESS = "";

  private final int perAddress;
  private final int total;
  private final Cache<String, Window> windows =
      Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(WINDOW).build();
  private final AtomicReference<Window> all = new AtomicReference<>();

  /**
   * @param perAddress lookups finding no key that one address may make per minute
   * @param total lookups finding no key that all addresses together may make per minute
   */
  FailedKeyLookups(int perAddress, int total) {
    if (perAddress < 1) {
      throw new IllegalArgumentException("perAddress must be at least 1, was " + perAddress);
    }
    if (total < perAddress) {
      throw new IllegalArgumentException(
          "total must be at least perAddress (" + perAddress + "), was " + total);
    }
    this.perAddress = perAddress;
    this.total = total;
  }

  /**
   * Counts a lookup for this address, and for all addresses, before it is made, so that lookups
   * under way at once count too; refuses it when either has used up its minute. {@link #found}
   * takes it back.
   */
  Lookup begin(String address, Instant now) {
    Window own =
        windows
            .asMap()
            .compute(
                key(address),
                (a, current) ->
                    current == null || current.endedBy(now) ? new Window(now) : current);
    if (!own.tryCount(perAddress)) {
      throw new KeyLookupsRefusedException(
          KeyLookupsRefusedException.FROM_THIS_ADDRESS, own.left(now));
    }
    Window everyone =
        all.updateAndGet(
            current -> current == null || current.endedBy(now) ? new Window(now) : current);
    if (!everyone.tryCount(total)) {
      own.takeBack();
      if (everyone.firstRefusal()) {
        log.warn(
            "{} API keys looked up and found unknown within a minute, from all client addresses"
                + " together (MODELYARD_UNKNOWN_KEYS_PER_MINUTE_TOTAL); keys this replica has not"
                + " seen are refused with 429 for the next {} s",
            total,
            everyone.left(now).toSeconds());
      }
      throw new KeyLookupsRefusedException(
          KeyLookupsRefusedException.FROM_ALL_ADDRESSES, everyone.left(now));
    }
    return new Lookup(own, everyone);
  }

  /** The lookup found a key, or could not be made: it was no guess. */
  void found(Lookup lookup) {
    lookup.address().takeBack();
    lookup.all().takeBack();
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

  /** One lookup, as counted for its address and for all addresses. */
  record Lookup(Window address, Window all) {}

  /** One minute of lookups that found no key, or are still under way. */
  static final class Window {

    private final Instant start;
    private final AtomicInteger lookups = new AtomicInteger();
    private final AtomicBoolean refused = new AtomicBoolean();

    private Window(Instant start) {
      this.start = start;
    }

    private boolean endedBy(Instant now) {
      return !now.isBefore(start.plus(WINDOW));
    }

    private Duration left(Instant now) {
      return Duration.between(now, start.plus(WINDOW));
    }

    private boolean tryCount(int limit) {
      int counted;
      do {
        counted = lookups.get();
        if (counted >= limit) {
          return false;
        }
      } while (!lookups.compareAndSet(counted, counted + 1));
      return true;
    }

    private void takeBack() {
      lookups.updateAndGet(counted -> Math.max(0, counted - 1));
    }

    /** True once per window: the first refusal, to be logged. */
    private boolean firstRefusal() {
      return refused.compareAndSet(false, true);
    }
  }
}
