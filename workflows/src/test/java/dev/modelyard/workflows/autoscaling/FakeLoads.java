package dev.modelyard.workflows.autoscaling;

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

  @Override
  public LoadSummary modelLoad(LoadQuery query) {
    queries.add(query);
    if (unreadable) {
      throw new IllegalStateException("load samples unreachable");
    }
    return load;
  }

  @Override
  public void recordDecision(ScalingRecord decision) {
    recorded.add(decision);
  }
}
