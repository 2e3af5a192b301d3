package dev.modelyard.workers.autoscaling;

import dev.modelyard.infra.autoscaling.LoadSamples;
import dev.modelyard.infra.autoscaling.ScalingLog;
import dev.modelyard.workflows.autoscaling.AutoscalingActivities;
import dev.modelyard.workflows.autoscaling.LoadQuery;
import dev.modelyard.workflows.autoscaling.LoadSummary;
import dev.modelyard.workflows.autoscaling.ScalingRecord;

public class AutoscalingActivitiesImpl implements AutoscalingActivities {

  private final LoadSamples samples;
  private final ScalingLog log;

  public AutoscalingActivitiesImpl(LoadSamples samples, ScalingLog log) {
    this.samples = samples;
    this.log = log;
  }

  @Override
  public LoadSummary modelLoad(LoadQuery query) {
    return samples.summarize(query.model(), query.window());
  }

  @Override
  public void recordDecision(ScalingRecord decision) {
    log.record(decision);
  }
}
