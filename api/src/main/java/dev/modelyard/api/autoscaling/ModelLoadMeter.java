package dev.modelyard.api.autoscaling;

import dev.modelyard.infra.autoscaling.LatencyHistogram;
import dev.modelyard.infra.autoscaling.LoadSample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.springframework.stereotype.Component;

/**
 * This API process's view of each model's load since the last publication: the time its calls were
 * in flight (integrated exactly at every start and end, so that a long stream counts for as long as
 * it runs), calls started, and latencies of the calls that ended. {@link LoadPublisher} drains it.
 */
@Component
public class ModelLoadMeter implements LoadMeter {

  private final LongSupplier nanoTime;
  private final Map<ModelKey, Window> windows = new ConcurrentHashMap<>();

  public ModelLoadMeter() {
    this(System::nanoTime);
  }

  ModelLoadMeter(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  @Override
  public Call started(String provider, String modelName) {
    Window window =
        windows.computeIfAbsent(
            new ModelKey(provider, modelName), key -> new Window(nanoTime.getAsLong()));
    long start = nanoTime.getAsLong();
    window.started(start);
    AtomicBoolean done = new AtomicBoolean();
    return () -> {
      if (done.compareAndSet(false, true)) {
        window.finished(start, nanoTime.getAsLong());
      }
    };
  }

  /** One sample per model that saw anything since the last drain; the windows start afresh. */
  List<LoadSample> drain() {
    long now = nanoTime.getAsLong();
    List<LoadSample> samples = new ArrayList<>();
    windows.forEach(
        (key, window) -> {
          LoadSample sample = window.drain(key, now);
          if (sample != null) {
            samples.add(sample);
          }
        });
    return samples;
  }

  private record ModelKey(String provider, String modelName) {}

  /** One model's counters; every method holds the window's lock for a few arithmetic steps. */
  private static final class Window {

    private long since;
    private long lastChange;
    private int inFlight;
    private long busyNanos;
    private long requests;
    private LatencyHistogram latencies = new LatencyHistogram();

    Window(long now) {
      this.since = now;
      this.lastChange = now;
    }

    synchronized void started(long now) {
      accrue(now);
      inFlight++;
      requests++;
    }

    synchronized void finished(long startedAt, long now) {
      accrue(now);
      inFlight--;
      latencies.record(now - startedAt);
    }

    synchronized LoadSample drain(ModelKey key, long now) {
      accrue(now);
      LoadSample sample = null;
      if (busyNanos > 0 || requests > 0 || latencies.total() > 0) {
        sample =
            new LoadSample(
                key.provider(),
                key.modelName(),
                Duration.ofNanos(Math.max(now - since, 1_000_000)),
                Duration.ofNanos(busyNanos),
                requests,
                latencies);
      }
      since = now;
      busyNanos = 0;
      requests = 0;
      latencies = new LatencyHistogram();
      return sample;
    }

    private void accrue(long now) {
      busyNanos += inFlight * (now - lastChange);
      lastChange = now;
    }
  }
}
