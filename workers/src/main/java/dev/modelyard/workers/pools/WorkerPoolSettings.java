package dev.modelyard.workers.pools;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How much of each kind of work one worker process runs at once ({@code modelyard.workers.*}).
 * Pulls are few and long; runtime work is heavier per task; health checks are tiny and many;
 * maintenance can wait; the host queue holds file and process work for this machine.
 */
@ConfigurationProperties("modelyard.workers")
public record WorkerPoolSettings(
    PoolSize pulls, PoolSize runtime, PoolSize health, PoolSize maintenance, PoolSize host) {

  public WorkerPoolSettings {
    pulls = pulls != null ? pulls : new PoolSize(4, 10);
    runtime = runtime != null ? runtime : new PoolSize(8, 20);
    health = health != null ? health : new PoolSize(16, 10);
    maintenance = maintenance != null ? maintenance : new PoolSize(2, 4);
    host = host != null ? host : new PoolSize(8, 20);
  }

  PoolSize size(PoolKind kind) {
    return switch (kind) {
      case PULLS -> pulls;
      case RUNTIME -> runtime;
      case HEALTH -> health;
      case MAINTENANCE -> maintenance;
      case HOST -> host;
    };
  }

  /** Concurrent activity executions and concurrent workflow tasks of one pool. */
  public record PoolSize(int activities, int workflowTasks) {

    public PoolSize {
      if (activities < 1 || workflowTasks < 2) {
        throw new IllegalArgumentException(
            "a worker pool needs at least 1 activity slot and 2 workflow task slots");
      }
    }
  }
}
