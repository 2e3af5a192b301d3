package dev.modelyard.workflows.autoscaling;

import java.time.Duration;

/**
 * What the gateway saw of one model over a window, summed over every API replica that published.
 *
 * @param averageInFlight requests in flight on average over the window (the time they were in
 *     flight, summed, divided by the window): 2.0 means two at any moment on average
 * @param requests calls started in the window
 * @param p95Latency the 95th percentile of the calls that ended in the window; null when none did
 */
public record LoadSummary(double averageInFlight, long requests, Duration p95Latency) {

  public static final LoadSummary NONE = new LoadSummary(0, 0, null);

  public LoadSummary {
    if (averageInFlight < 0 || Double.isNaN(averageInFlight)) {
      throw new IllegalArgumentException(
          "averageInFlight must not be negative, was " + averageInFlight);
    }
    if (requests < 0) {
      throw new IllegalArgumentException("requests must not be negative, was " + requests);
    }
  }

  /** Whether anything at all reached the model in the window. */
  public boolean active() {
    return requests > 0 || averageInFlight > 0;
  }
}
