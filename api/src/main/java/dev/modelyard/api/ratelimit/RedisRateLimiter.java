package dev.modelyard.api.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.modelyard.infra.redis.LuaScripts;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisNoScriptException;
import org.redisson.client.codec.LongCodec;

/**
 * The limits shared by every API replica: one Lua script ({@code gcra.lua}) checks and records the
 * caller's and the global limit in one round trip (EVALSHA), on Redis's clock. Its keys expire once
 * their budget is full again, so idle callers leave nothing behind. Failures propagate: {@link
 * FallbackRateLimiter} decides what an outage means.
 *
 * <p>A busy limit is not asked on every request: Redis grants a replica several requests at once (a
 * {@link Lease}), sized to about {@link #LEASE_TARGET} of that replica's recent traffic and at most
 * {@link #LEASE_SHARE} of the limit's budget, and the next requests draw on it in memory. A lease
 * is taken from the shared budget before it is spent, so replicas together never exceed a limit;
 * what a replica leaves unspent when its lease lapses ({@link #LEASE_LIFETIME}) is budget nobody
 * used, at most a tenth of a second of its traffic. A limit of under 200 requests per window is
 * leased one request at a time, which is exact; at 2,000 requests a second a replica asks Redis
 * about ten times a second instead of 2,000, and a request waits for no round trip.
 */
final class RedisRateLimiter implements RateLimiter {

  static final String KEY_PREFIX = "modelyard:ratelimit:";

  /** A lease holds about this much of a replica's traffic, judged by its previous lease. */
  static final Duration LEASE_TARGET = Duration.ofMillis(100);

  /** Requests left in a lease this old are given up: the next request asks Redis. */
  static final Duration LEASE_LIFETIME = Duration.ofSeconds(1);

  /** A lease takes at most this fraction of a limit's requests per window: 1/100. */
  static final int LEASE_SHARE = 100;

  private static final String SCRIPT = LuaScripts.read(RedisRateLimiter.class, "gcra.lua");

  private final RScript script;
  private final RateLimits limits;
  private final String callerPrefix;
  private final String globalKey;
  private final Ticker ticker;
  private final Lease globalLease = new Lease();
  private final Cache<String, Lease> callerLeases;
  private final AtomicLong roundTrips = new AtomicLong();
  private volatile String sha;

  RedisRateLimiter(RedissonClient redis, RateLimits limits, String keyPrefix, Ticker ticker) {
    this.script = redis.getScript(LongCodec.INSTANCE);
    this.limits = limits;
    this.callerPrefix = keyPrefix + "caller:";
    this.globalKey = keyPrefix + "global";
    this.ticker = ticker;
    this.callerLeases =
        Caffeine.newBuilder()
            .maximumSize(LocalRateLimiter.MAX_CALLERS)
            // Long enough to remember a caller's pace between its leases.
            .expireAfterAccess(LEASE_LIFETIME.multipliedBy(10))
            .ticker(ticker)
            .build();
  }

  @Override
  public RateLimitDecision acquire(String caller, Integer callerRequests) {
    RateLimits limits = this.limits.forCaller(callerRequests);
    long now = ticker.read();
    Lease callerLease = callerLeases.get(caller, key -> new Lease());
    boolean callerLeased = callerLease.take(now);
    boolean globalLeased = globalLease.take(now);
    if (callerLeased && globalLeased) {
      return RateLimitDecision.of(limits, callerLease.check(now), globalLease.check(now));
    }
    List<Long> result;
    try {
      roundTrips.incrementAndGet();
      result =
          run(
              List.of(callerPrefix + caller, globalKey),
              limits,
              callerLeased ? 0 : callerLease.wanted(now, limits.perCaller()),
              globalLeased ? 0 : globalLease.wanted(now, limits.global()));
    } catch (RuntimeException e) {
      giveBack(callerLease, callerLeased, globalLeased);
      throw e;
    }
    LimitCheck callerCheck = check(result, 0);
    LimitCheck globalCheck = check(result, 4);
    if (!callerCheck.allowed() || !globalCheck.allowed()) {
      giveBack(callerLease, callerLeased, globalLeased);
      return RateLimitDecision.of(limits, callerCheck, globalCheck);
    }
    return RateLimitDecision.of(
        limits,
        callerLeased
            ? callerLease.check(now)
            : callerLease.granted(granted(result, 0), now, callerCheck),
        globalLeased
            ? globalLease.check(now)
            : globalLease.granted(granted(result, 4), now, globalCheck));
  }

  /** Requests asked of Redis so far: how often the leases ran out. */
  long roundTrips() {
    return roundTrips.get();
  }

  private void giveBack(Lease callerLease, boolean callerLeased, boolean globalLeased) {
    if (callerLeased) {
      callerLease.giveBack();
    }
    if (globalLeased) {
      globalLease.giveBack();
    }
  }

  private List<Long> run(List<Object> keys, RateLimits limits, int callerWanted, int globalWanted) {
    String loaded = sha;
    if (loaded == null) {
      loaded = load();
    }
    try {
      return evalSha(loaded, keys, limits, callerWanted, globalWanted);
    } catch (RedisNoScriptException e) {
      // Redis restarted or flushed its scripts since we loaded ours.
      return evalSha(load(), keys, limits, callerWanted, globalWanted);
    }
  }

  private List<Long> evalSha(
      String loaded, List<Object> keys, RateLimits limits, int callerWanted, int globalWanted) {
    return script.evalSha(
        RScript.Mode.READ_WRITE,
        loaded,
        RScript.ReturnType.LIST,
        keys,
        limits.perCaller().intervalMicros(),
        limits.perCaller().toleranceMicros(),
        callerWanted,
        limits.global().intervalMicros(),
        limits.global().toleranceMicros(),
        globalWanted);
  }

  private String load() {
    String loaded = script.scriptLoad(SCRIPT);
    sha = loaded;
    return loaded;
  }

  /** One limit's numbers from the script's answer; only a limit that refuses has a retry-after. */
  private static LimitCheck check(List<Long> result, int from) {
    long retryAfter = result.get(from + 3);
    return new LimitCheck(retryAfter == 0, result.get(from + 1), result.get(from + 2), retryAfter);
  }

  private static int granted(List<Long> result, int from) {
    return Math.toIntExact(result.get(from));
  }

  /**
   * Requests of one limit that Redis granted this replica ahead of their arrival. The request that
   * asked for a lease uses one of it at once; the rest wait here for at most {@link
   * #LEASE_LIFETIME}.
   */
  private static final class Lease {

    private int left;
    private int used;
    private long grantedAt;
    private LimitCheck granted; // null until Redis first grants this lease

    synchronized boolean take(long now) {
      if (left == 0 || now - grantedAt >= LEASE_LIFETIME.toNanos()) {
        return false;
      }
      left--;
      used++;
      return true;
    }

    synchronized void giveBack() {
      left++;
      used--;
    }

    /** As many as the previous lease's pace would use in {@link #LEASE_TARGET}; 1 to begin. */
    synchronized int wanted(long now, RateLimits.Limit limit) {
      if (granted == null) {
        return 1;
      }
      long age = Math.max(now - grantedAt, Duration.ofMillis(1).toNanos());
      long pace = used * LEASE_TARGET.toNanos() / age;
      return (int) Math.clamp(pace, 1, Math.max(1, limit.requests() / LEASE_SHARE));
    }

    /** Redis granted {@code count}, one of them for the request at hand. */
    synchronized LimitCheck granted(int count, long now, LimitCheck check) {
      boolean current = granted != null && now - grantedAt < LEASE_LIFETIME.toNanos();
      left = (current ? left : 0) + count - 1;
      used = 1;
      grantedAt = now;
      granted = check;
      return check(now);
    }

    /**
     * What the headers say: Redis's count when it granted, with this lease's unspent part, and its
     * reset counted down since (the lease's requests were all counted then).
     */
    synchronized LimitCheck check(long now) {
      // A request that took from the lease just before another's grant may see a later grant.
      long sinceGrant = Math.max(0, now - grantedAt);
      long resetAfterMicros = Math.max(0, granted.resetAfterMicros() - sinceGrant / 1_000);
      return new LimitCheck(true, granted.remaining() + left, resetAfterMicros, 0);
    }
  }
}
