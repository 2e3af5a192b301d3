package dev.modelyard.workers.health;

import dev.modelyard.workflows.health.HealthPolicy;
import dev.modelyard.workflows.health.HealthWorkflowIds;
import dev.modelyard.workflows.health.RestartPolicy;
import dev.modelyard.workflows.health.ScoringPolicy;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Health checks ({@code modelyard.health.*}, or {@code MODELYARD_HEALTH_*}). Unset values take the
 * defaults of {@link HealthPolicy}, {@link ScoringPolicy} and {@link RestartPolicy}, which are
 * defined once, beside the workflow that uses them.
 *
 * @param enabled whether this worker starts the health-check loop (it always runs its activities)
 * @param deployment names the loop when several deployments share one Temporal namespace
 * @param startRetry wait before trying again when the loop cannot be started (server down)
 * @param executionTimeout bounds the whole life of the loop; unset in production, where it runs as
 *     long as the deployment, set in tests so that a crashed test leaves nothing running
 */
@ConfigurationProperties("modelyard.health")
public record HealthSettings(
    @DefaultValue("true") boolean enabled,
    String deployment,
    Duration interval,
    Duration suspectInterval,
    Integer roundsPerRun,
    Integer failuresBeforeRestart,
    Duration livenessTimeout,
    Duration generationTimeout,
    Duration startingTooLong,
    ScoringPolicy scoring,
    RestartPolicy restart,
    Duration startRetry,
    Duration executionTimeout) {

  public static final Duration DEFAULT_START_RETRY = Duration.ofSeconds(10);

  public HealthSettings {
    startRetry = startRetry != null ? startRetry : DEFAULT_START_RETRY;
    if (startRetry.isNegative() || startRetry.isZero()) {
      throw new IllegalArgumentException(
          "modelyard.health.start-retry must be positive, was " + startRetry);
    }
    if (executionTimeout != null && (executionTimeout.isNegative() || executionTimeout.isZero())) {
      throw new IllegalArgumentException(
          "modelyard.health.execution-timeout must be positive, was " + executionTimeout);
    }
    // Fail at start-up, naming the bad value, rather than when the loop first starts.
    HealthWorkflowIds.healthCheck(deployment);
    policyOf(
        interval,
        suspectInterval,
        roundsPerRun,
        failuresBeforeRestart,
        livenessTimeout,
        generationTimeout,
        startingTooLong,
        scoring,
        restart);
  }

  public HealthPolicy policy() {
    return policyOf(
        interval,
        suspectInterval,
        roundsPerRun,
        failuresBeforeRestart,
        livenessTimeout,
        generationTimeout,
        startingTooLong,
        scoring,
        restart);
  }

  private static HealthPolicy policyOf(
      Duration interval,
      Duration suspectInterval,
      Integer roundsPerRun,
      Integer failuresBeforeRestart,
      Duration livenessTimeout,
      Duration generationTimeout,
      Duration startingTooLong,
      ScoringPolicy scoring,
      RestartPolicy restart) {
    try {
      return new HealthPolicy(
          interval,
          suspectInterval,
          roundsPerRun,
          failuresBeforeRestart,
          livenessTimeout,
          generationTimeout,
          startingTooLong,
          scoring,
          restart);
    } catch (IllegalArgumentException e) {
      // The message is the whole story; it names the setting and the value.
      throw new IllegalArgumentException("modelyard.health: " + e.getMessage());
    }
  }

  public String workflowId() {
    return HealthWorkflowIds.healthCheck(deployment);
  }
}
