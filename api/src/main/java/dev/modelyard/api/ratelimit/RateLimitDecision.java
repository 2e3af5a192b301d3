package dev.modelyard.api.ratelimit;

import java.time.Duration;

/**
 * What a request is told. Of the caller's and the global limit it describes the tighter one: the
 * one that refused (the later to allow again if both did), or else the one with fewer requests
 * left, so that the headers predict the next refusal.
 */
record RateLimitDecision(
    boolean allowed,
    Scope scope,
    RateLimits.Limit limit,
    long remaining,
    Duration resetAfter,
    Duration retryAfter) {

  enum Scope {
    CALLER,
    GLOBAL
  }

  static RateLimitDecision of(RateLimits limits, LimitCheck caller, LimitCheck global) {
    boolean globalBinds;
    if (!caller.allowed() && !global.allowed()) {
      globalBinds = global.retryAfterMicros() > caller.retryAfterMicros();
    } else if (caller.allowed() != global.allowed()) {
      globalBinds = !global.allowed();
    } else {
      globalBinds = global.remaining() < caller.remaining();
    }
    LimitCheck binding = globalBinds ? global : caller;
    return new RateLimitDecision(
        caller.allowed() && global.allowed(),
        globalBinds ? Scope.GLOBAL : Scope.CALLER,
        globalBinds ? limits.global() : limits.perCaller(),
        binding.remaining(),
        Duration.ofNanos(binding.resetAfterMicros() * 1_000),
        Duration.ofNanos(binding.retryAfterMicros() * 1_000));
  }

  /** Whole seconds, rounded up: a client that waits this long is allowed. */
  long retryAfterSeconds() {
    return ceilSeconds(retryAfter);
  }

  long resetSeconds() {
    return ceilSeconds(resetAfter);
  }

  private static long ceilSeconds(Duration duration) {
    long seconds = duration.toSeconds();
    return duration.equals(Duration.ofSeconds(seconds)) ? seconds : seconds + 1;
  }
}
