package dev.modelyard.api.metrics;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.Arrays;

/**
 * The share of recent events that were hits, over a window kept as one-minute slots: a ratio since
 * start would barely move after a week of traffic, whatever happened in the last hour.
 */
final class RecentRatio {

  private static final long SLOT_NANOS = Duration.ofMinutes(1).toNanos();

  private final Ticker ticker;
  private final long[] slotOf; // the minute each entry counts: ticker.read() / SLOT_NANOS
  private final long[] hits;
  private final long[] events;

  /**
   * @param window how far back the ratio looks, in whole minutes, besides the minute under way
   */
  RecentRatio(Duration window, Ticker ticker) {
    long minutes = window.toMinutes();
    if (minutes < 1 || !window.equals(Duration.ofMinutes(minutes))) {
      throw new IllegalArgumentException("window must be whole minutes, was " + window);
    }
    this.ticker = ticker;
    int slots = Math.toIntExact(minutes) + 1;
    this.slotOf = new long[slots];
    this.hits = new long[slots];
    this.events = new long[slots];
    Arrays.fill(slotOf, Long.MIN_VALUE);
  }

  synchronized void record(boolean hit) {
    long slot = Math.floorDiv(ticker.read(), SLOT_NANOS);
    int index = (int) Math.floorMod(slot, slotOf.length);
    if (slotOf[index] != slot) {
      slotOf[index] = slot;
      hits[index] = 0;
      events[index] = 0;
    }
    events[index]++;
    if (hit) {
      hits[index]++;
    }
  }

  /** Hits over events within the window; 0 when there were none. */
  synchronized double ratio() {
    long now = Math.floorDiv(ticker.read(), SLOT_NANOS);
    long windowHits = 0;
    long windowEvents = 0;
    for (int i = 0; i < slotOf.length; i++) {
      if (slotOf[i] > now - slotOf.length && slotOf[i] <= now) {
        windowHits += hits[i];
        windowEvents += events[i];
      }
    }
    return windowEvents == 0 ? 0 : (double) windowHits / windowEvents;
  }
}
