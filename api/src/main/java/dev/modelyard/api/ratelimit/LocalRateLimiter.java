package dev.modelyard.api.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

/**
 * The limits inside this process, with the same algorithm as Redis's script ({@link Gcra}) and time
 * from an injected ticker. Used without REDIS_URL and during a Redis outage, when each replica
 * holds the limits by itself (so together they allow up to replicas × the limits).
 */
final class LocalRateLimiter implements RateLimiter {

  /**
   * Bounds the memory a flood of fresh identities can take; an evicted caller starts with a full
   * budget, and the global limit still holds.
   */
  static final long MAX_CALLERS = 100_000;

  private final RateLimits limits;
  private final Ticker ticker;
  private final Cache<String, Long> callerFullAt;
  private long globalFullAt = Long.MIN_VALUE;

  LocalRateLimiter(RateLimits limits, Ticker ticker) {
    this.limits = limits;
    this.ticker = ticker;
    this.callerFullAt =
        Caffeine.newBuilder()
            .maximumSize(MAX_CALLERS)
            // A window after its last request a caller's budget is full: forgetting it is exact.
            .expireAfterWrite(limits.perCaller().window())
            .ticker(ticker)
            .build();
  }

  // One lock for both limits, so that a request refused by one never spends the other's budget;
  // it is held for a few arithmetic steps per request.
  @Override
  public synchronized RateLimitDecision acquire(String caller, Integer callerRequests) {
    RateLimits limits = this.limits.forCaller(callerRequests);
    long now = ticker.read() / 1_000;
    Long stored = callerFullAt.getIfPresent(caller);
    Gcra.Step callerStep =
        Gcra.step(limits.perCaller(), stored == null ? Long.MIN_VALUE : stored, now);
    Gcra.Step globalStep = Gcra.step(limits.global(), globalFullAt, now);
    if (callerStep.check().allowed() && globalStep.check().allowed()) {
      callerFullAt.put(caller, callerStep.fullAt());
      globalFullAt = globalStep.fullAt();
    }
    return RateLimitDecision.of(limits, callerStep.check(), globalStep.check());
  }
}
