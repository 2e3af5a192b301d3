package dev.modelyard.workflows.models;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;

/** Registry calls are short database writes: retry outages with backoff, never a missing model. */
public final class RegistryOptions {

  public static final ActivityOptions DEFAULT =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(30))
          .setRetryOptions(
              RetryOptions.newBuilder()
                  .setInitialInterval(Duration.ofMillis(500))
                  .setMaximumInterval(Duration.ofSeconds(10))
                  .setMaximumAttempts(20)
                  .setDoNotRetry(ModelRegistryActivities.MODEL_NOT_FOUND)
                  .build())
          .build();

  /**
   * For workflows that run for good (a deployment): an outage longer than {@link #DEFAULT}'s
   * attempts would otherwise fail the workflow and leave its replicas without an owner; it waits
   * for the database instead, retrying every half minute at most.
   */
  public static final ActivityOptions UNTIL_ANSWERED =
      ActivityOptions.newBuilder(DEFAULT)
          .setRetryOptions(
              RetryOptions.newBuilder(DEFAULT.getRetryOptions())
                  .setMaximumInterval(Duration.ofSeconds(30))
                  .setMaximumAttempts(0)
                  .build())
          .build();

  private RegistryOptions() {}
}
