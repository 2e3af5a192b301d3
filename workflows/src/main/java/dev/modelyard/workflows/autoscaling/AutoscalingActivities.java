package dev.modelyard.workflows.autoscaling;

import io.temporal.activity.ActivityInterface;

/**
 * The autoscaler's view of the world: the load the gateway published, and the log of its decisions.
 * Both live in PostgreSQL; the workflow never asks the API.
 */
@ActivityInterface
public interface AutoscalingActivities {

  /** The model's load over the window; {@link LoadSummary#NONE} when nothing was published. */
  LoadSummary modelLoad(LoadQuery query);

  /** Appends a decision to the model's scaling log. */
  void recordDecision(ScalingRecord decision);
}
