package dev.modelyard.api.gateway;

import dev.modelyard.infra.postgres.NotificationListener;
import dev.modelyard.infra.registry.ModelRegistry;
import dev.modelyard.infra.registry.RoutableInstance;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The instances the gateway can route to, held in memory so that a generation never waits on
 * PostgreSQL. A change notification from the registry refreshes it at once; a periodic refresh
 * covers a lost notification. If the registry is unreachable the last known table keeps serving.
 */
@Component
class RoutingTable implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(RoutingTable.class);

  private final ModelRegistry registry;
  private final ScheduledExecutorService refresher =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("routing-table").daemon().factory());
  private final AtomicBoolean degraded = new AtomicBoolean();
  private final AtomicBoolean refreshQueued = new AtomicBoolean();
  private final NotificationListener changes;
  private volatile List<RoutableInstance> instances = List.of();

  RoutingTable(ModelRegistry registry, DataSource dataSource, GatewaySettings settings) {
    this.registry = registry;
    refresh();
    long every = settings.tableRefresh().toMillis();
    refresher.scheduleWithFixedDelay(this::refresh, every, every, TimeUnit.MILLISECONDS);
    this.changes =
        NotificationListener.start(
            dataSource, ModelRegistry.ROUTING_CHANNEL, payload -> refreshSoon());
  }

  List<RoutableInstance> candidates(String model, String provider) {
    return instances.stream()
        .filter(i -> model == null || i.modelName().equalsIgnoreCase(model))
        .filter(i -> provider == null || i.provider().equals(provider))
        .toList();
  }

  /** Refreshes on the refresher's thread; a burst of notifications costs one query. */
  private void refreshSoon() {
    if (refreshQueued.compareAndSet(false, true)) {
      refresher.execute(
          () -> {
            refreshQueued.set(false);
            refresh();
          });
    }
  }

  void refresh() {
    try {
      instances = List.copyOf(registry.routableInstances());
      if (degraded.compareAndSet(true, false)) {
        log.info("routing table: registry reachable again");
      }
    } catch (RuntimeException e) {
      if (degraded.compareAndSet(false, true)) {
        log.warn("routing table: registry unreachable, serving the last known table", e);
      }
    }
  }

  @Override
  public void destroy() {
    changes.close();
    refresher.shutdownNow();
  }
}
