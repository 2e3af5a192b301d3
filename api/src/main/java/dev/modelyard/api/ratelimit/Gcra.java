package dev.modelyard.api.ratelimit;

/**
 * The generic cell rate algorithm, the in-process twin of {@code gcra.lua}: a limit keeps one
 * number per key, the time at which its budget is full again ({@code fullAt}). A request moves it
 * one interval later, and is refused when that would put it more than a window ahead of now. One
 * number per key, and exact at any rate, unlike a counter per window.
 */
final class Gcra {

  private Gcra() {}

  /** The verdict, and the {@code fullAt} to keep if the request goes ahead. */
  record Step(LimitCheck check, long fullAt) {}

  static Step step(RateLimits.Limit limit, long fullAt, long now) {
    long interval = limit.intervalMicros();
    long window = limit.toleranceMicros();
    long from = Math.max(fullAt, now);
    long next = from + interval;
    long ahead = next - now;
    if (ahead > window) {
      return new Step(new LimitCheck(false, 0, from - now, ahead - window), fullAt);
    }
    return new Step(new LimitCheck(true, (window - ahead) / interval, ahead, 0), next);
  }
}
