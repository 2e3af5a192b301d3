package dev.modelyard.api.ratelimit;

/** Counts a request against its caller's and the global limit, if both allow it. */
interface RateLimiter {

  /**
   * @param caller who the request counts against ({@link Callers#identify}), never a raw API key
   */
  RateLimitDecision acquire(String caller);
}
