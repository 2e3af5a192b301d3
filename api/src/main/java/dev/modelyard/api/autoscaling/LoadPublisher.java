package dev.modelyard.api.autoscaling;

import dev.modelyard.infra.autoscaling.LoadSample;
import dev.modelyard.infra.autoscaling.LoadSamples;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;

/**
 * Writes what {@link ModelLoadMeter} saw to PostgreSQL every publish interval, off the request
 * path, and prunes old samples. Each API replica publishes under its own source ID; the autoscalers
 * sum them. A database outage loses the windows it lasts (logged once): the autoscalers cannot read
 * the load then either, so they hold their counts.
 */
class LoadPublisher implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(LoadPublisher.class);

  /** Pruning is a delete over an index: once a minute or so is plenty. */
  private static final Duration PRUNE_EVERY = Duration.ofMinutes(1);

  private final ModelLoadMeter meter;
  private final LoadSamples samples;
  private final AutoscalingSettings settings;
  private final String source = "api-" + UUID.randomUUID();
  private final AtomicBoolean degraded = new AtomicBoolean();
  private ScheduledExecutorService scheduler;
  private long publications;

  LoadPublisher(ModelLoadMeter meter, LoadSamples samples, AutoscalingSettings settings) {
    this.meter = meter;
    this.samples = samples;
    this.settings = settings;
  }

  /** Publishes what the meter holds now; the scheduler calls it, and so may a test. */
  void publish() {
    List<LoadSample> drained = meter.drain();
    try {
      if (!drained.isEmpty()) {
        samples.publish(source, drained);
      }
      long pruneEvery = Math.max(1, PRUNE_EVERY.toMillis() / settings.publishInterval().toMillis());
      if (publications++ % pruneEvery == 0) {
        samples.prune(settings.sampleRetention());
      }
      if (degraded.compareAndSet(true, false)) {
        log.info("autoscaling: publishing load samples again");
      }
    } catch (DataAccessException e) {
      if (degraded.compareAndSet(false, true)) {
        log.warn("autoscaling: cannot publish load samples; autoscalers hold their counts", e);
      }
    }
  }

  @Override
  public synchronized void start() {
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("autoscaling-load").daemon().factory());
    long every = settings.publishInterval().toMillis();
    scheduler.scheduleWithFixedDelay(this::publish, every, every, TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void stop() {
    if (scheduler != null) {
      scheduler.shutdownNow();
      scheduler = null;
      // What the last window saw still counts.
      publish();
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return scheduler != null;
  }
}
