package dev.modelyard.workflows.placement;

import dev.modelyard.workflows.models.ModelRegistryActivities;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;

/**
 * Ledger calls are short database transactions: retry outages with backoff, never a refusal. A
 * release is retried for much longer than a reservation, since a release that gives up leaks.
 */
public final class PlacementOptions {

  public static final ActivityOptions RESERVE =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(30))
          .setRetryOptions(
              RetryOptions.newBuilder()
                  .setInitialInterval(Duration.ofMillis(500))
                  .setMaximumInterval(Duration.ofSeconds(10))
                  .setMaximumAttempts(20)
                  .setDoNotRetry(
                      PlacementActivities.PLACEMENT_REFUSED,
                      ModelRegistryActivities.MODEL_NOT_FOUND)
                  .build())
          .build();

  public static final ActivityOptions RELEASE =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(30))
          .setScheduleToCloseTimeout(Duration.ofHours(24))
          .setRetryOptions(
              RetryOptions.newBuilder()
                  .setInitialInterval(Duration.ofSeconds(1))
                  .setMaximumInterval(Duration.ofMinutes(1))
                  .build())
          .build();

  private PlacementOptions() {}
}
