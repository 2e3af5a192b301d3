package dev.modelyard.api.ratelimit;

import dev.modelyard.infra.settings.RateLimitSettings;
import java.time.Duration;

/** The two budgets every limited request draws on: its caller's and everyone's together. */
record RateLimits(Limit perCaller, Limit global) {

  static RateLimits from(RateLimitSettings settings) {
    return new RateLimits(
        new Limit(settings.requests(), settings.window()),
        new Limit(settings.globalRequests(), settings.window()));
  }

  /** These limits with the caller's own number of requests per window, if it has one. */
  RateLimits forCaller(Integer callerRequests) {
    return callerRequests == null || callerRequests == perCaller.requests()
        ? this
        : new RateLimits(new Limit(callerRequests, perCaller.window()), global);
  }

  /**
   * {@code requests} per {@code window}, all of which may come at once; after that one request's
   * worth returns every {@code window / requests}, so there is no cliff at a window's edge.
   */
  record Limit(int requests, Duration window) {

    Limit {
      if (requests < 1) {
        throw new IllegalArgumentException("requests must be at least 1, was " + requests);
      }
      if (window.toMillis() < 1) {
        throw new IllegalArgumentException("window must be at least 1 ms, was " + window);
      }
    }

    /**
     * Time in which one request's worth returns; whole microseconds, as Redis keeps them, rounded
     * up so that the rate never passes {@code requests} per window (rounded down, 40,000,000 a
     * minute came to one a microsecond: 60,000,000).
     */
    long intervalMicros() {
      return Math.max(1, Math.ceilDiv(window.toNanos() / 1_000, requests));
    }

    /**
     * How far ahead of now a budget may be booked: {@code requests} intervals, so that the whole
     * budget may come at once (a window, give or take the rounding of the interval).
     */
    long toleranceMicros() {
      return requests * intervalMicros();
    }
  }
}
