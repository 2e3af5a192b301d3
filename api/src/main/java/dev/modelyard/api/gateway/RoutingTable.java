package dev.modelyard.api.gateway;

import dev.modelyard.infra.registry.ModelRegistry;
import dev.modelyard.infra.registry.RoutableInstance;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The instances the gateway can route to, held in memory and refreshed from the registry in the
 * background, so that a generation never waits on PostgreSQL. If the registry is unreachable the
 * last known table keeps serving.
 */
@Component
class RoutingTable implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(RoutingTable.class);
  static final Duration REFRESH = Duration.ofSeconds(1);

  private final ModelRegistry registry;
  private final ScheduledExecutorService refresher =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("routing-table").daemon().factory());
  private final AtomicBoolean degraded = new AtomicBoolean();
  private volatile List<RoutableInstance> instances = List.of();

  RoutingTable(ModelRegistry registry) {
    this.registry = registry;
    refresher.scheduleWithFixedDelay(this::refresh, 0, REFRESH.toMillis(), TimeUnit.MILLISECONDS);
  }

  List<RoutableInstance> candidates(String model, String provider) {
    return instances.stream()
        .filter(i -> model == null || i.modelName().equalsIgnoreCase(model))
        .filter(i -> provider == null || i.provider().equals(provider))
        .toList();
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
    refresher.shutdownNow();
  }
}
