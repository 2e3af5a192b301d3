package dev.modelyard.api.gateway;

import dev.modelyard.infra.postgres.NotificationListener;
import dev.modelyard.infra.registry.ModelRegistry;
import dev.modelyard.infra.registry.RoutableInstance;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
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

  /** The same instances by lower-case model name, so a request looks its model up directly. */
  private volatile Map<String, List<RoutableInstance>> byModel = Map.of();

  RoutingTable(ModelRegistry registry, DataSource dataSource, GatewaySettings settings) {
    this.registry = registry;
    refresh();
    long every = settings.tableRefresh().toMillis();
    refresher.scheduleWithFixedDelay(this::refresh, every, every, TimeUnit.MILLISECONDS);
    this.changes =
        NotificationListener.start(
            dataSource, ModelRegistry.ROUTING_CHANNEL, payload -> refreshSoon());
  }

  /** Ready instances of a model (any when null), of a provider (any when null). */
  List<RoutableInstance> candidates(String model, String provider) {
    List<RoutableInstance> ofModel =
        model == null ? instances : byModel.getOrDefault(key(model), List.of());
    return provider == null
        ? ofModel
        : ofModel.stream().filter(i -> i.provider().equals(provider)).toList();
  }

  private static String key(String model) {
    return model.toLowerCase(Locale.ROOT);
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
      List<RoutableInstance> fresh = List.copyOf(registry.routableInstances());
      Map<String, List<RoutableInstance>> grouped =
          fresh.stream()
              .collect(
                  Collectors.groupingBy(
                      i -> key(i.modelName()),
                      LinkedHashMap::new,
                      Collectors.toUnmodifiableList()));
      // A reader may see the new list before the new index; both are whole tables, never mixed.
      byModel = Map.copyOf(grouped);
      instances = fresh;
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
