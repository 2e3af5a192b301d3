package dev.modelyard.workers.placement;

import dev.modelyard.infra.gpu.GpuInventory;
import dev.modelyard.infra.placement.ModelFactsQuery;
import dev.modelyard.infra.placement.PlacementLedger;
import dev.modelyard.infra.registry.ModelRegistry;
import dev.modelyard.infra.runtime.ModelRuntime;
import dev.modelyard.infra.settings.HostSettings;
import dev.modelyard.workers.pools.PoolKind;
import dev.modelyard.workers.pools.PoolRegistration;
import dev.modelyard.workers.pools.WorkerPoolSettings;
import java.util.List;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The placement ledger's activities run on the runtime pool, next to the loads that call them; each
 * worker reports its host's memory to the ledger as it starts.
 */
@Configuration(proxyBeanMethods = false)
class PlacementWorkersConfiguration {

  @Bean
  PlacementLedger placementLedger(DataSource dataSource) {
    return new PlacementLedger(dataSource);
  }

  @Bean
  PoolRegistration placementPool(PlacementLedger ledger, JdbcClient jdbc) {
    return new PoolRegistration(
        PoolKind.RUNTIME,
        List.of(),
        List.of(new PlacementActivitiesImpl(ledger, new ModelFactsQuery(jdbc))));
  }

  @Bean
  HostMemoryReport hostMemoryReport(
      PlacementLedger ledger,
      GpuInventory gpus,
      HostSettings host,
      WorkerPoolSettings pools,
      ModelRegistry registry,
      ModelRuntime runtime) {
    return new HostMemoryReport(
        ledger,
        gpus,
        host.hostId(),
        pools.polls(PoolKind.HOST),
        () ->
            registry.activeInstanceIdsOnHost(host.hostId()).stream()
                .filter(id -> runtime.endpoint(id).isPresent())
                .collect(Collectors.toSet()));
  }
}
