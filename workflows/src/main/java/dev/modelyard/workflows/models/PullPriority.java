package dev.modelyard.workflows.models;

import io.temporal.common.Priority;

/**
 * Maps a pull request's priority onto Temporal's task priority.
 *
 * <p>Requests speak 0 to 10, 10 the most urgent and 5 the default. Temporal's priority key goes
 * from 1 (dispatched first) to 5 (last), with 3 as the default. Each key takes an equal share of
 * the request scale, so the defaults meet: 9-10 → 1, 7-8 → 2, 4-6 → 3, 2-3 → 4, 0-1 → 5. Servers
 * that do not order by priority accept the key and ignore it.
 */
public final class PullPriority {

  public static final int DEFAULT = 5;
  public static final int MOST_URGENT = 10;

  private PullPriority() {}

  /** Temporal's priority key for a request priority; out-of-range values are clamped. */
  public static int priorityKey(int requestPriority) {
    int clamped = Math.clamp(requestPriority, 0, MOST_URGENT);
    // Round half up of clamped * 4 / 10, then invert: urgent requests get small keys.
    return 5 - (clamped * 4 + 5) / 10;
  }

  public static Priority of(int requestPriority) {
    return Priority.newBuilder().setPriorityKey(priorityKey(requestPriority)).build();
  }
}
