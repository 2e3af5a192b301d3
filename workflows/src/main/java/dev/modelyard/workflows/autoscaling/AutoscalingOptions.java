package dev.modelyard.workflows.autoscaling;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;

/**
 * Reading the load is retried briefly: the next evaluation reads it afresh anyway, so a database
 * outage should hold the count rather than stall the deployment. Recording a decision is retried
 * for longer, since a decision without its record cannot be explained afterwards.
 */
public final class AutoscalingOptions {

  public static final ActivityOptions LOAD =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(10))
          .setRetryOptions(
              RetryOptions.newBuilder()
                  .setInitialInterval(Duration.ofMillis(500))
                  .setMaximumAttempts(3)
                  .build())
          .build();

  public static final ActivityOptions RECORD =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(10))
          .setScheduleToCloseTimeout(Duration.ofMinutes(10))
          .setRetryOptions(
              RetryOptions.newBuilder()
                  .setInitialInterval(Duration.ofSeconds(1))
                  .setMaximumInterval(Duration.ofSeconds(30))
                  .build())
          .build();

  private AutoscalingOptions() {}
}
