package dev.modelyard.workers.pools;

import dev.modelyard.infra.registry.HostRuntime;
import dev.modelyard.infra.registry.ModelRegistry;
import dev.modelyard.workflows.TaskQueues;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * One worker per task queue, each sized by its own settings, all in one {@link WorkerFactory}.
 * Started after every bean is ready and stopped gracefully, so activities in flight can finish.
 */
public class WorkerPools implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(WorkerPools.class);
  private static final Duration GRACE = Duration.ofSeconds(20);
  private static final Duration HEARTBEAT_THROTTLE = Duration.ofSeconds(1);

  private final WorkerFactory factory;
  private final ModelRegistry registry;
  private final String hostId;
  private final HostRuntime runtime;
  private final List<PoolRegistration> registrations;
  private final WorkerPoolSettings settings;
  private volatile boolean running;
  private ScheduledExecutorService touches;
  private volatile boolean touchFailing;

  public WorkerPools(
      WorkflowClient client,
      ModelRegistry registry,
      String hostId,
      HostRuntime runtime,
      WorkerPoolSettings settings,
      List<PoolRegistration> registrations) {
    this.factory = WorkerFactory.newInstance(client);
    this.registry = registry;
    this.hostId = hostId;
    this.runtime = runtime;
    this.settings = settings;
    this.registrations = registrations;
  }

  @Override
  public void start() {
    Map<String, Worker> workers = new LinkedHashMap<>();
    for (PoolRegistration registration : registrations) {
      if (!settings.polls(registration.kind())) {
        continue;
      }
      Worker worker =
          workers.computeIfAbsent(
              registration.queue(hostId),
              queue -> factory.newWorker(queue, options(registration.kind())));
      registration.register(worker);
    }
    // Pulls and loads are sent to a recorded host's queue: only a process polling it may be one.
    // What its runtime runs lets the API refuse at once what this host cannot run.
    if (settings.polls(PoolKind.HOST)) {
      registry.recordHost(hostId, TaskQueues.host(hostId), runtime);
      touches =
          Executors.newSingleThreadScheduledExecutor(
              Thread.ofPlatform().name("host-alive").daemon().factory());
      long every = ModelRegistry.HOST_TOUCH_INTERVAL.toMillis();
      touches.scheduleWithFixedDelay(this::touch, every, every, TimeUnit.MILLISECONDS);
    }
    factory.start();
    running = true;
    log.info("Workers: polling {} as host {}", workers.keySet(), hostId);
  }

  /** Says this host is alive; a database away for a while only makes it look gone meanwhile. */
  private void touch() {
    try {
      registry.touchHost(hostId);
      if (touchFailing) {
        touchFailing = false;
        log.info("Workers: host {} is recorded as alive again", hostId);
      }
    } catch (RuntimeException e) {
      if (!touchFailing) {
        touchFailing = true;
        log.warn(
            "Workers: cannot record host {} as alive; it looks gone after {}",
            hostId,
            ModelRegistry.HOST_SILENCE,
            e);
      }
    }
  }

  @Override
  public void stop() {
    if (touches != null) {
      touches.shutdownNow();
    }
    factory.shutdown();
    factory.awaitTermination(GRACE.toSeconds(), TimeUnit.SECONDS);
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  private WorkerOptions options(PoolKind kind) {
    WorkerPoolSettings.PoolSize size = settings.size(kind);
    return WorkerOptions.newBuilder()
        .setMaxConcurrentActivityExecutionSize(size.activities())
        .setMaxConcurrentWorkflowTaskExecutionSize(size.workflowTasks())
        // The SDK would send heartbeats only every 0.8 x the heartbeat timeout; a second keeps
        // progress fresh for the tasks API and lets a cancelled download stop within a second.
        .setMaxHeartbeatThrottleInterval(HEARTBEAT_THROTTLE)
        .build();
  }
}
