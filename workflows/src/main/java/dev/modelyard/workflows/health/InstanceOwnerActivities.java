package dev.modelyard.workflows.health;

import io.temporal.activity.ActivityInterface;
import java.util.List;

/** What Temporal says of the workflows that may own an instance; run on the health queue. */
@ActivityInterface
public interface InstanceOwnerActivities {

  /**
   * Which of these workflows may be bringing an instance up now: a load or a restart while it runs;
   * a deployment, which runs as long as its model is deployed, only while an activity of it is
   * under way (its starts are; between reconciliations it starts nothing, and a replica left
   * starting by a run that was terminated is no longer its).
   */
  List<String> ownersRunning(List<String> workflowIds);
}
