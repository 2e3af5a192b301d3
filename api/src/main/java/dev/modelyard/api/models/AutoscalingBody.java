package dev.modelyard.api.models;

import dev.modelyard.workflows.autoscaling.AutoscalingPolicy;
import dev.modelyard.workflows.deployments.DeploymentWorkflow;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import java.util.Map;

/**
 * {@code PUT /api/v1/local-llm/models/autoscaling}: a model's autoscaling policy. Omitted values
 * take the defaults of {@link AutoscalingPolicy}; times are in the unit their name says, and stay
 * within the policy's bounds.
 */
record AutoscalingBody(
    @NotBlank String provider,
    @NotBlank @Size(max = 200) String modelName,
    @NotNull @Min(0) @Max(DeploymentWorkflow.MAX_INSTANCES) Integer minReplicas,
    @NotNull @Min(1) @Max(DeploymentWorkflow.MAX_INSTANCES) Integer maxReplicas,
    @Positive Double targetInFlightPerReplica,
    @Positive @Max(AutoscalingBody.MAX_P95_LATENCY_CEILING_MS) Long p95LatencyCeilingMs,
    @PositiveOrZero @Max(AutoscalingBody.MAX_WAIT_SECONDS) Long scaleUpCooldownSeconds,
    @PositiveOrZero @Max(AutoscalingBody.MAX_WAIT_SECONDS) Long scaleDownCooldownSeconds,
    @Positive @Max(AutoscalingBody.MAX_WAIT_SECONDS) Long idlePeriodSeconds,
    @Positive @Max(AutoscalingBody.MAX_WAIT_SECONDS) Long evaluationIntervalSeconds,
    @Positive @Max(AutoscalingBody.MAX_METRICS_WINDOW_SECONDS) Long metricsWindowSeconds) {

  // The policy's upper bounds in the body's units, as constants for the annotations: a value above
  // them is a 400 naming its field, never a duration too long to read as milliseconds.
  static final long MAX_WAIT_SECONDS = 2_592_000;
  static final long MAX_METRICS_WINDOW_SECONDS = 3_600;
  static final long MAX_P95_LATENCY_CEILING_MS = 3_600_000;

  /** The policy's names in its messages, and the body's fields they come from. */
  private static final Map<String, String> FIELDS =
      Map.of(
          "p95_latency_ceiling", "p95_latency_ceiling_ms",
          "scale_up_cooldown", "scale_up_cooldown_seconds",
          "scale_down_cooldown", "scale_down_cooldown_seconds",
          "idle_period", "idle_period_seconds",
          "evaluation_interval", "evaluation_interval_seconds",
          "metrics_window", "metrics_window_seconds");

  /**
   * The policy this body describes.
   *
   * @throws IllegalArgumentException from the policy's own checks, e.g. min above max
   */
  AutoscalingPolicy policy() {
    return new AutoscalingPolicy(
        minReplicas,
        maxReplicas,
        targetInFlightPerReplica,
        p95LatencyCeilingMs == null ? null : Duration.ofMillis(p95LatencyCeilingMs),
        seconds(scaleUpCooldownSeconds),
        seconds(scaleDownCooldownSeconds),
        seconds(idlePeriodSeconds),
        seconds(evaluationIntervalSeconds),
        seconds(metricsWindowSeconds));
  }

  /** The body field a policy's message is about: its first word. */
  static String fieldOf(String policyMessage) {
    String name = policyMessage.split(" ", 2)[0];
    return FIELDS.getOrDefault(name, name);
  }

  private static Duration seconds(Long seconds) {
    return seconds == null ? null : Duration.ofSeconds(seconds);
  }
}
