package dev.modelyard.api.models;

import dev.modelyard.workflows.autoscaling.AutoscalingPolicy;
import dev.modelyard.workflows.autoscaling.ScalingRecord;
import java.time.Instant;

/** A policy as the API shows it, in the units of {@link AutoscalingBody}. */
record AutoscalingView(
    int minReplicas,
    int maxReplicas,
    double targetInFlightPerReplica,
    Long p95LatencyCeilingMs,
    long scaleUpCooldownSeconds,
    long scaleDownCooldownSeconds,
    long idlePeriodSeconds,
    long evaluationIntervalSeconds,
    long metricsWindowSeconds) {

  static AutoscalingView of(AutoscalingPolicy policy) {
    if (policy == null) {
      return null;
    }
    return new AutoscalingView(
        policy.minReplicas(),
        policy.maxReplicas(),
        policy.targetInFlightPerReplica(),
        policy.p95LatencyCeiling() == null ? null : policy.p95LatencyCeiling().toMillis(),
        policy.scaleUpCooldown().toSeconds(),
        policy.scaleDownCooldown().toSeconds(),
        policy.idlePeriod().toSeconds(),
        policy.evaluationInterval().toSeconds(),
        policy.metricsWindow().toSeconds());
  }

  /** One scaling decision as the status shows it. */
  record Decision(Instant at, String trigger, int fromReplicas, int toReplicas, String reason) {

    static Decision of(ScalingRecord record) {
      return new Decision(
          Instant.ofEpochMilli(record.atEpochMillis()),
          record.trigger(),
          record.fromReplicas(),
          record.toReplicas(),
          record.reason());
    }
  }
}
