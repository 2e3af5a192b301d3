package dev.modelyard.api.gateway;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * What a relayed stream has sent, kept only as far as it is needed: a count and the last few events
 * for accounting (usage comes in the final chunk), and every event only while the answer may still
 * be cached. A long stream at a high token rate would otherwise hold megabytes per client until it
 * ends.
 */
final class SentEvents {

  /**
   * The largest stream kept for the cache, in characters (as the cache weighs entries): a whole
   * answer of a few thousand tokens is a few hundred thousand characters of events; one larger
   * would push dozens of others out of the in-process cache.
   */
  static final long MAX_CACHED_CHARS = 1L << 20;

  private static final int TAIL = 3;

  private final ArrayDeque<String> tail = new ArrayDeque<>(TAIL);
  private List<String> all;
  private long allChars;
  private int count;

  /**
   * @param forCache whether the events are kept for the cache, until they pass {@link
   *     #MAX_CACHED_CHARS}
   */
  SentEvents(boolean forCache) {
    this.all = forCache ? new ArrayList<>() : null;
  }

  void add(String event) {
    count++;
    if (tail.size() == TAIL) {
      tail.removeFirst();
    }
    tail.addLast(event);
    if (all != null) {
      allChars += event.length();
      if (allChars > MAX_CACHED_CHARS) {
        all = null;
      } else {
        all.add(event);
      }
    }
  }

  int count() {
    return count;
  }

  /** The last events sent, oldest first. */
  List<String> tail() {
    return List.copyOf(tail);
  }

  /** Every event sent, or null when they were not kept (not cacheable, or too large to cache). */
  List<String> all() {
    return all;
  }
}
