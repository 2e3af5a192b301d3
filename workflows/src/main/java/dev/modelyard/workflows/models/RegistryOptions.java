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

  private RegistryOptions() {}
}
