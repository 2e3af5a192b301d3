package dev.modelyard.api.autoscaling;

import dev.modelyard.workflows.autoscaling.AutoscalingPolicy;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the API publishes load and serves cold starts.
 *
 * @param publishInterval how often each model's load is written to PostgreSQL; an autoscaler's
 *     metrics window should span several
 * @param sampleRetention how long load samples are kept; longer than the longest metrics window
 * @param coldStartTimeout how long a request for a model scaled to zero waits for its first
 *     instance before it fails with a 503 saying so
 * @param coldStartPoll how often a waiting request looks for that instance
 */
@ConfigurationProperties("modelyard.autoscaling")
record AutoscalingSettings(
    @DefaultValue("5s") Duration publishInterval,
    @DefaultValue("2h") Duration sampleRetention,
    @DefaultValue("2m") Duration coldStartTimeout,
    @DefaultValue("250ms") Duration coldStartPoll) {

  AutoscalingSettings {
    positive("publish-interval", publishInterval);
    positive("cold-start-timeout", coldStartTimeout);
    positive("cold-start-poll", coldStartPoll);
    if (sampleRetention.compareTo(AutoscalingPolicy.MAX_METRICS_WINDOW) <= 0) {
      throw new IllegalArgumentException(
          "modelyard.autoscaling.sample-retention must be longer than the longest metrics window ("
              + AutoscalingPolicy.MAX_METRICS_WINDOW
              + "), was "
              + sampleRetention);
    }
  }

  private static void positive(String name, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(
          "modelyard.autoscaling." + name + " must be positive, was " + value);
    }
  }
}
