package dev.modelyard.api.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.modelyard.infra.redis.LuaScripts;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisNoScriptException;
import org.redisson.client.codec.LongCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * used, at most about a sixth of a second of its traffic (half a lease and its renewal). A limit of
 * under 200 requests per window is leased one request at a time, which is exact; at 2,000 requests
 * a second a replica asks Redis about ten times a second instead of 2,000.
 *
 * <p>A lease of several requests is renewed ahead, in the background, once half of it is spent, so
 * that a busy caller's requests wait for no round trip: the request that found its lease empty
 * would wait for Redis, about one request in a hundred at 2,000 a second, which is where a p99 is
 * read. A renewal is taken from the shared budget like any lease. One that fails or is refused
 * grants nothing and is not tried again for that lease: the request that finds it empty asks Redis
 * itself, which reloads a script Redis lost and is where an outage reaches {@link
 * FallbackRateLimiter} and a spent budget its 429.
 */
final class RedisRateLimiter implements RateLimiter {

  static final String KEY_PREFIX = "modelyard:ratelimit:";

  /** A lease holds about this much of a replica's traffic, judged by its previous lease. */
  static final Duration LEASE_TARGET = Duration.ofMillis(100);

  /**
   * Requests left in a lease not granted or renewed for this long are given up: the next request
   * asks Redis.
   */
  static final Duration LEASE_LIFETIME = Duration.ofSeconds(1);

  /** A lease takes at most this fraction of a limit's requests per window: 1/100. */
  static final int LEASE_SHARE = 100;

  private static final Logger log = LoggerFactory.getLogger(RedisRateLimiter.class);
  private static final String SCRIPT = LuaScripts.read(RedisRateLimiter.class, "gcra.lua");

  private final RScript script;
  private final RateLimits limits;
  private final String callerPrefix;
  private final String globalKey;
  private final Ticker ticker;
  private final Lease globalLease = new Lease();
  private final Cache<String, Lease> callerLeases;
  private final AtomicLong roundTrips = new AtomicLong();
  private final AtomicLong renewalsAhead = new AtomicLong();
  private final AtomicInteger renewalsInFlight = new AtomicInteger();
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
      renewAhead(caller, limits, callerLease, now);
      return RateLimitDecision.of(limits, callerLease.check(now), globalLease.check(now));
    }
    List<Long> result;
    try {
      roundTrips.incrementAndGet();
      result =
          run(
              keys(caller),
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

  /** Requests that waited for Redis so far: how often the leases ran out. */
  long roundTrips() {
    return roundTrips.get();
  }

  /** Leases renewed in the background so far, which no request waited for. */
  long renewalsAhead() {
    return renewalsAhead.get();
  }

  /** Renewals asked of Redis and not answered yet. */
  int renewalsInFlight() {
    return renewalsInFlight.get();
  }

  /**
   * Asks Redis for the next lease of each limit whose lease is half spent, without waiting: the
   * answer tops the lease up when it comes.
   */
  private void renewAhead(String caller, RateLimits limits, Lease callerLease, long now) {
    boolean renewCaller = callerLease.startRenewal(now);
    boolean renewGlobal = globalLease.startRenewal(now);
    if (!renewCaller && !renewGlobal) {
      return;
    }
    int callerWanted = renewCaller ? callerLease.wanted(now, limits.perCaller()) : 0;
    int globalWanted = renewGlobal ? globalLease.wanted(now, limits.global()) : 0;
    Renewal renewal =
        new Renewal(renewCaller ? callerLease : null, renewGlobal ? globalLease : null);
    renewalsInFlight.incrementAndGet();
    try {
      script
          .<List<Long>>evalShaAsync(
              RScript.Mode.READ_WRITE,
              sha,
              RScript.ReturnType.LIST,
              keys(caller),
              arguments(limits, callerWanted, globalWanted))
          .whenComplete(renewal::answered);
    } catch (RuntimeException e) {
      // A renewal only saves a later request its wait: it never fails this one.
      renewal.answered(null, e);
    }
  }

  /** A renewal ahead of the caller's lease, the global one, or both (the other null). */
  private final class Renewal {

    private final Lease caller;
    private final Lease global;

    Renewal(Lease caller, Lease global) {
      this.caller = caller;
      this.global = global;
    }

    void answered(List<Long> result, Throwable failure) {
      LimitCheck callerCheck = null;
      LimitCheck globalCheck = null;
      int callerCount = 0;
      int globalCount = 0;
      try {
        if (failure != null) {
          log.debug("Renewing a rate-limit lease ahead failed", failure);
        } else {
          callerCheck = check(result, 0);
          globalCheck = check(result, 4);
          if (callerCheck.allowed() && globalCheck.allowed()) {
            callerCount = granted(result, 0);
            globalCount = granted(result, 4);
          }
        }
      } catch (RuntimeException unreadable) {
        log.debug("A rate-limit renewal's answer could not be read", unreadable);
      } finally {
        // Whatever happened, each lease learns the answer: none stays marked renewing for good.
        long answeredAt = ticker.read();
        if (caller != null) {
          caller.renewed(callerCount, answeredAt, callerCheck);
        }
        if (global != null) {
          global.renewed(globalCount, answeredAt, globalCheck);
        }
        if (callerCount > 0 || globalCount > 0) {
          renewalsAhead.incrementAndGet();
        }
        renewalsInFlight.decrementAndGet();
      }
    }
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
        arguments(limits, callerWanted, globalWanted));
  }

  /** The script's keys: the caller's limit, then the global one. */
  private List<Object> keys(String caller) {
    return List.of(callerPrefix + caller, globalKey);
  }

  /** The script's arguments for both limits, in {@code gcra.lua}'s order. */
  private static Object[] arguments(RateLimits limits, int callerWanted, int globalWanted) {
    return new Object[] {
      limits.perCaller().intervalMicros(),
      limits.perCaller().toleranceMicros(),
      callerWanted,
      limits.global().intervalMicros(),
      limits.global().toleranceMicros(),
      globalWanted
    };
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
    private int lastGrant;
    private boolean renewing;
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
      topUp(count, now, check);
      left--;
      used = 1;
      return check(now);
    }

    /**
     * Whether this lease should be renewed now, and if so marks it renewing: half of a lease of
     * several spent, and no renewal already asked. A lease of one is never renewed ahead, so that a
     * limit leased one request at a time stays exact.
     */
    synchronized boolean startRenewal(long now) {
      if (renewing
          || lastGrant < 2
          || left > lastGrant / 2
          || now - grantedAt >= LEASE_LIFETIME.toNanos()) {
        return false;
      }
      renewing = true;
      return true;
    }

    /**
     * A renewal's answer: {@code count} more requests, none yet used. With none granted, this lease
     * is not renewed ahead again until a request's own round trip grants it.
     */
    synchronized void renewed(int count, long now, LimitCheck check) {
      renewing = false;
      if (count > 0) {
        topUp(count, now, check);
        used = 0;
      } else {
        lastGrant = 0;
      }
    }

    private void topUp(int count, long now, LimitCheck check) {
      boolean current = granted != null && now - grantedAt < LEASE_LIFETIME.toNanos();
      left = (current ? left : 0) + count;
      lastGrant = count;
      grantedAt = now;
      granted = check;
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
