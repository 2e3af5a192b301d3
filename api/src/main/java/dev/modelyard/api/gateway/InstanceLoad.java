package dev.modelyard.api.gateway;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What this API process sees of one instance: calls in flight and an exponentially weighted moving
 * average of their latency. Only this process's view: each replica balances its own traffic.
 */
final class InstanceLoad {

  /** Weight of the newest sample: about the last ten calls count. */
  private static final double ALPHA = 0.2;

  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile double latencyMillis = Double.NaN;

  int inFlight() {
    return inFlight.get();
  }

  /** The latency average in milliseconds, NaN before the first call completes. */
  double latencyMillis() {
    return latencyMillis;
  }

  void started() {
    inFlight.incrementAndGet();
  }

  /** Ends a call; a failed one still counts its time, so that a slow failure is seen as slow. */
  void finished(long nanos) {
    inFlight.decrementAndGet();
    double sample = nanos / 1e6;
    synchronized (this) {
      double previous = latencyMillis;
      latencyMillis = Double.isNaN(previous) ? sample : previous + ALPHA * (sample - previous);
    }
  }
}
