package dev.modelyard.workflows.health;

import io.temporal.activity.ActivityInterface;
import java.util.List;

/** What Temporal says of the workflows that may own an instance; run on the health queue. */
@ActivityInterface
public interface InstanceOwnerActivities {

  /** Which of these workflows are running now. */
  List<String> ownersRunning(List<String> workflowIds);
}
