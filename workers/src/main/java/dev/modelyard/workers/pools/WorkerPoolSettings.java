package dev.modelyard.workers.pools;

import java.util.EnumSet;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How much of each kind of work one worker process runs at once ({@code modelyard.workers.*}).
 * Pulls are few and long; runtime work is heavier per task; health checks are tiny and many;
 * maintenance can wait; the host queue holds file and process work for this machine, its transfers
 * queue the downloads onto it and its stops queue the stops of its instances (a process polling the
 * host queue polls the other two).
 *
 * <p>{@code pools} (MODELYARD_WORKERS_POOLS, e.g. {@code pulls,runtime}) lets a process poll only
 * some queues, so that each kind of work can be scaled on its own (one Kubernetes Deployment per
 * queue); by default a process polls them all. Only a process that polls its host queue records
 * itself as a host, since work sent to a host must find a poller there.
 */
@ConfigurationProperties("modelyard.workers")
public record WorkerPoolSettings(
    Set<PoolKind> pools,
    PoolSize pulls,
    PoolSize runtime,
    PoolSize health,
    PoolSize maintenance,
    PoolSize host,
    PoolSize transfers,
    PoolSize stops) {

  public WorkerPoolSettings {
    if (pools != null && pools.isEmpty()) {
      throw new IllegalArgumentException(
          "MODELYARD_WORKERS_POOLS must name at least one of "
              + EnumSet.allOf(PoolKind.class).toString().toLowerCase(java.util.Locale.ROOT));
    }
    EnumSet<PoolKind> polled =
        pools == null ? EnumSet.allOf(PoolKind.class) : EnumSet.copyOf(pools);
    if (polled.contains(PoolKind.HOST)) {
      // Downloads onto this host, and stops of its instances, belong to it as much as its starts.
      polled.add(PoolKind.TRANSFERS);
      polled.add(PoolKind.STOPS);
    }
    pools = Set.copyOf(polled);
    pulls = pulls != null ? pulls : new PoolSize(4, 10);
    runtime = runtime != null ? runtime : new PoolSize(8, 20);
    health = health != null ? health : new PoolSize(16, 10);
    maintenance = maintenance != null ? maintenance : new PoolSize(2, 4);
    host = host != null ? host : new PoolSize(8, 20);
    transfers = transfers != null ? transfers : new PoolSize(4, 2);
    stops = stops != null ? stops : new PoolSize(4, 2);
  }

  /** Whether this process polls the queue of {@code kind}. */
  public boolean polls(PoolKind kind) {
    return pools.contains(kind);
  }

  PoolSize size(PoolKind kind) {
    return switch (kind) {
      case PULLS -> pulls;
      case RUNTIME -> runtime;
      case HEALTH -> health;
      case MAINTENANCE -> maintenance;
      case HOST -> host;
      case TRANSFERS -> transfers;
      case STOPS -> stops;
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
