package dev.modelyard.workers.health;

import dev.modelyard.infra.registry.InstanceHealthRegistry;
import dev.modelyard.workers.pools.PoolKind;
import dev.modelyard.workers.pools.PoolRegistration;
import dev.modelyard.workflows.health.HealthCheckWorkflowImpl;
import dev.modelyard.workflows.health.RestartInstanceWorkflowImpl;
import io.temporal.client.WorkflowClient;
import java.util.List;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The health loop, its restarts, probes and registry writes run on the health pool; the restarts'
 * stops and starts go to the instance's host queue, where the deployments capability already runs
 * {@code InstanceHostActivities}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(HealthSettings.class)
class HealthWorkersConfiguration {

  @Bean
  InstanceHealthRegistry instanceHealthRegistry(JdbcClient jdbc) {
    return new InstanceHealthRegistry(jdbc);
  }

  @Bean
  PoolRegistration healthPool(
      InstanceHealthRegistry instanceHealthRegistry, WorkflowClient client) {
    return new PoolRegistration(
        PoolKind.HEALTH,
        List.of(HealthCheckWorkflowImpl.class, RestartInstanceWorkflowImpl.class),
        List.of(
            new HealthRegistryActivitiesImpl(instanceHealthRegistry),
            new InstanceProbeActivitiesImpl(),
            new InstanceOwnerActivitiesImpl(client)));
  }

  @Bean
  HealthCheckStarter healthCheckStarter(WorkflowClient client, HealthSettings settings) {
    return new HealthCheckStarter(client, settings);
  }
}
