package dev.modelyard.workers.maintenance;

import dev.modelyard.infra.providers.ollama.OllamaClient;
import dev.modelyard.infra.providers.ollama.OllamaSettings;
import dev.modelyard.infra.registry.MaintenanceRegistry;
import dev.modelyard.infra.settings.DataDirSettings;
import dev.modelyard.infra.settings.HostSettings;
import dev.modelyard.infra.settings.ProviderSettings;
import dev.modelyard.workers.health.InstanceOwnerActivitiesImpl;
import dev.modelyard.workers.pools.PoolKind;
import dev.modelyard.workers.pools.PoolRegistration;
import dev.modelyard.workers.pools.WorkerPoolSettings;
import dev.modelyard.workflows.maintenance.CleanupWorkflowImpl;
import dev.modelyard.workflows.maintenance.DiscoveryWorkflowImpl;
import io.temporal.client.WorkflowClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Discovery and cleanup run on the maintenance pool, with their HTTP and registry activities;
 * reading and deleting model files happens on the host that holds them. Unloads of idle models run
 * as child workflows on the runtime pool, where unloads always run.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MaintenanceSettings.class)
class MaintenanceWorkersConfiguration {

  @Bean
  MaintenanceRegistry maintenanceRegistry(
      JdbcClient jdbc,
      DataSource dataSource,
      ObjectProvider<PlatformTransactionManager> transactionManager) {
    return new MaintenanceRegistry(
        jdbc,
        new TransactionTemplate(
            transactionManager.getIfAvailable(() -> new JdbcTransactionManager(dataSource))));
  }

  /**
   * Discovery asks Ollama for its lists, and TGI for its model, within its activity's 30 s: a
   * longer wait would hold one of the maintenance pool's two slots after Temporal gave the attempt
   * up.
   */
  static final Duration DISCOVERY_ANSWER = Duration.ofSeconds(10);

  @Bean(destroyMethod = "close")
  MaintenanceClients maintenanceClients(ProviderSettings providers) {
    return new MaintenanceClients(
        providers.ollamaHost() == null
            ? null
            : new OllamaClient(
                new OllamaSettings(
                    providers.ollamaHost(),
                    OllamaSettings.DEFAULT_CONNECT_TIMEOUT,
                    DISCOVERY_ANSWER)),
        providers.hfLocalHost() == null ? null : new TgiInfoClient(providers.hfLocalHost()));
  }

  @Bean
  PoolRegistration maintenancePool(
      MaintenanceRegistry registry,
      MaintenanceClients clients,
      ProviderSettings providers,
      HostSettings host,
      WorkerPoolSettings pools,
      WorkflowClient client) {
    return new PoolRegistration(
        PoolKind.MAINTENANCE,
        List.of(DiscoveryWorkflowImpl.class, CleanupWorkflowImpl.class),
        List.of(
            new DiscoveryActivitiesImpl(
                registry,
                clients.ollama(),
                providers.ollamaHost(),
                clients.tgi(),
                host.hostId(),
                pools.polls(PoolKind.HOST)),
            new CleanupActivitiesImpl(registry, client),
            new InstanceOwnerActivitiesImpl(client)));
  }

  @Bean
  PoolRegistration modelStoreOnHost(DataDirSettings dataDir, HostSettings host) {
    return new PoolRegistration(
        PoolKind.HOST,
        List.of(),
        List.of(
            new ModelStoreActivitiesImpl(dataDir.modelStore(), host.hostId(), Clock.systemUTC())));
  }

  /**
   * Only a worker that runs maintenance starts its crons: the settings they are started with are
   * that worker's, and a worker of another pool (restarted with other settings, or none) must not
   * replace them.
   */
  @Bean
  MaintenanceStarter maintenanceStarter(
      WorkflowClient client, MaintenanceSettings settings, WorkerPoolSettings pools) {
    return new MaintenanceStarter(client, settings, pools.polls(PoolKind.MAINTENANCE));
  }

  /** The HTTP clients of discovery, closed with the context; either may be absent. */
  record MaintenanceClients(OllamaClient ollama, TgiInfoClient tgi) implements AutoCloseable {

    @Override
    public void close() {
      if (ollama != null) {
        ollama.close();
      }
      if (tgi != null) {
        tgi.close();
      }
    }
  }
}
