package dev.modelyard.api.metrics;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Refreshes the polled gauges every interval on a thread of its own, so a scrape and a request
 * never wait on the registry, NVML or Temporal. A source that fails keeps its last values; its
 * failure is logged once, and again only after it has recovered.
 */
final class MetricsPoller implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(MetricsPoller.class);

  private final List<PolledMetrics> sources;
  private final Duration interval;
  private final Set<String> failing = new HashSet<>(); // only touched by the poller thread
  private ScheduledExecutorService executor;

  MetricsPoller(List<PolledMetrics> sources, Duration interval) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("poll interval must be positive, was " + interval);
    }
    this.sources = List.copyOf(sources);
    this.interval = interval;
  }

  /** Reads every source once, now; for tests that cannot wait an interval. */
  void pollNow() {
    for (PolledMetrics source : sources) {
      try {
        source.poll();
        if (failing.remove(source.source())) {
          log.info("metrics from {} are read again", source.source());
        }
      } catch (RuntimeException | LinkageError e) {
        // A native library that will not load (NVML) is a source that fails, like any other: an
        // Error escaping here would end the schedule, and every gauge would freeze for good.
        if (failing.add(source.source())) {
          log.warn("cannot read metrics from {}: {}", source.source(), e.toString());
        }
      }
    }
  }

  @Override
  public synchronized void start() {
    executor =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofVirtual().name("metrics-poller").factory());
    executor.scheduleWithFixedDelay(
        this::pollSafely, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private synchronized void pollSafely() {
    pollNow();
  }

  @Override
  public synchronized void stop() {
    if (executor != null) {
      executor.shutdownNow();
      executor = null;
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return executor != null;
  }
}
