package dev.modelyard.workflows.autoscaling;

import io.temporal.activity.Activity;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The load the gateway published, set by a test, and the scaling log in memory: these tests prove
 * the deployment's decisions, while the PostgreSQL store has its own tests.
 */
public class FakeLoads implements AutoscalingActivities {

  public volatile LoadSummary load = LoadSummary.NONE;
  public volatile boolean unreadable;
  public final List<LoadQuery> queries = new CopyOnWriteArrayList<>();
  public final List<ScalingRecord> recorded = new CopyOnWriteArrayList<>();

  /**
   * When not empty, the test environment's times of requests: a read counts those in its window (by
   * the time its attempt was scheduled) instead of answering {@link #load}.
   */
  public final List<Long> requestsAt = new CopyOnWriteArrayList<>();

  /** How long each read takes, as a database round trip does. */
  public volatile long readMillis;

  @Override
  public LoadSummary modelLoad(LoadQuery query) {
    queries.add(query);
    if (readMillis > 0) {
      try {
        Thread.sleep(readMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (unreadable) {
      throw new IllegalStateException("load samples unreachable");
    }
    if (requestsAt.isEmpty()) {
      return load;
    }
    long now = Activity.getExecutionContext().getInfo().getCurrentAttemptScheduledTimestamp();
    long from = now - query.window().toMillis();
    long requests = requestsAt.stream().filter(t -> t > from && t <= now).count();
    return new LoadSummary(0, requests, null);
  }

  @Override
  public void recordDecision(ScalingRecord decision) {
    recorded.add(decision);
  }
}
