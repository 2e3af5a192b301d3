package dev.modelyard.api.ratelimit;

/** Counts a request against its caller's and the global limit, if both allow it. */
interface RateLimiter {

  /**
   * @param caller who the request counts against ({@link Callers#identify}), never a raw API key
   */
  default RateLimitDecision acquire(String caller) {
    return acquire(caller, null);
  }

  /**
   * @param callerRequests the caller's own requests per window (its API key's rate limit); null:
   *     the default per-caller limit
   */
  RateLimitDecision acquire(String caller, Integer callerRequests);
}
