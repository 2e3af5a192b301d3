package dev.modelyard.infra.autoscaling;

import java.time.Duration;
import java.util.Objects;

/**
 * What one API replica's gateway saw of one model over one window.
 *
 * @param busy the time calls were in flight, summed over the calls: two calls in flight for the
 *     whole window make twice the window
 * @param requests calls started in the window
 * @param latencies the calls that ended in the window, by latency
 */
public record LoadSample(
    String provider,
    String modelName,
    Duration window,
    Duration busy,
    long requests,
    LatencyHistogram latencies) {

  public LoadSample {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(modelName, "modelName");
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("window must be positive, was " + window);
    }
    if (busy.isNegative()) {
      throw new IllegalArgumentException("busy must not be negative, was " + busy);
    }
    if (requests < 0) {
      throw new IllegalArgumentException("requests must not be negative, was " + requests);
    }
    Objects.requireNonNull(latencies, "latencies");
  }
}
