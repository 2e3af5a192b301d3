package dev.modelyard.api.security;

import dev.modelyard.infra.security.ApiKeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Keeps each key's last use in memory and writes them all in one statement every {@code interval},
 * so that an authenticated request never waits on the database. A failed write keeps its times for
 * the next one; stopping writes what is left.
 */
final class LastUsedRecorder implements SmartLifecycle {

  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
  private static final Logger log = LoggerFactory.getLogger(LastUsedRecorder.class);

  private final ApiKeyStore store;
  private final Duration interval;
  private final ConcurrentHashMap<String, Instant> pending = new ConcurrentHashMap<>();
  private ScheduledExecutorService scheduler;

  LastUsedRecorder(ApiKeyStore store, Duration interval) {
    this.store = store;
    this.interval = interval;
  }

  void used(String keyId, Instant at) {
    pending.merge(keyId, at, (earlier, later) -> later.isAfter(earlier) ? later : earlier);
  }

  /** Writes what is pending now; answers how many keys it wrote. */
  int flush() {
    Map<String, Instant> batch = new HashMap<>();
    for (String keyId : pending.keySet()) {
      Instant at = pending.remove(keyId);
      if (at != null) {
        batch.put(keyId, at);
      }
    }
    if (batch.isEmpty()) {
      return 0;
    }
    try {
      store.recordLastUsed(batch);
      return batch.size();
    } catch (RuntimeException e) {
      batch.forEach(this::used);
      log.warn("API keys' last-used times not written ({}); retrying", e.getMessage());
      return 0;
    }
  }

  @Override
  public synchronized void start() {
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("api-key-last-used").daemon().factory());
    scheduler.scheduleWithFixedDelay(
        this::flush, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void stop() {
    if (scheduler != null) {
      scheduler.shutdownNow();
      scheduler = null;
      flush();
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return scheduler != null;
  }
}
