package dev.modelyard.workers.pools;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Makes sure a long-running workflow of the deployment (the health loop, the maintenance crons)
 * runs once this worker is up. The first attempt runs in the background; when Temporal cannot be
 * reached it is logged and tried again later, so a worker never fails to start for their sake.
 */
public abstract class StartsWithTheWorker implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(StartsWithTheWorker.class);

  private final String name;
  private final boolean enabled;
  private final Duration retry;
  private ScheduledExecutorService scheduler;
  private volatile boolean running;

  protected StartsWithTheWorker(String name, boolean enabled, Duration retry) {
    this.name = name;
    this.enabled = enabled;
    this.retry = retry;
  }

  /** Starts or joins the workflows; throws when Temporal cannot be asked, to be tried again. */
  protected abstract void ensureRunning();

  @Override
  public void start() {
    running = true;
    if (!enabled) {
      log.info("{}: this worker does not start its workflows (disabled in its settings)", name);
      return;
    }
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofVirtual()
                .name(name.toLowerCase(java.util.Locale.ROOT) + "-starter")
                .factory());
    scheduler.execute(this::attempt);
  }

  @Override
  public void stop() {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  private void attempt() {
    try {
      ensureRunning();
    } catch (RuntimeException e) {
      // Whatever went wrong (server down, namespace missing), the worker keeps running and asks
      // again; the failure is logged each time with its cause.
      log.warn("{}: cannot start its workflows, trying again in {}: {}", name, retry, e.toString());
      if (!scheduler.isShutdown()) {
        scheduler.schedule(this::attempt, retry.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }
}
