package dev.modelyard.workers.containers;

import dev.modelyard.infra.registry.InstanceHealthRegistry;
import dev.modelyard.infra.registry.ModelRegistry;
import dev.modelyard.infra.runtime.ModelRuntime;
import dev.modelyard.infra.settings.HostSettings;
import dev.modelyard.workers.RuntimeSettings;
import dev.modelyard.workers.pools.PoolKind;
import dev.modelyard.workers.pools.PoolRegistration;
import dev.modelyard.workflows.containers.ContainerLogsWorkflowImpl;
import dev.modelyard.workflows.containers.ListContainersWorkflowImpl;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The containers API's workflows run on the runtime pool; what they ask of a host runs on that
 * host's queue. With the Docker runtime, the worker reconciles its containers as it starts.
 */
@Configuration(proxyBeanMethods = false)
class ContainersWorkersConfiguration {

  @Bean
  PoolRegistration containerWorkflows() {
    return new PoolRegistration(
        PoolKind.RUNTIME,
        List.of(ListContainersWorkflowImpl.class, ContainerLogsWorkflowImpl.class),
        List.of());
  }

  @Bean
  PoolRegistration containersOnHost(
      ModelRuntime runtime, HostSettings host, RuntimeSettings settings) {
    return new PoolRegistration(
        PoolKind.HOST,
        List.of(),
        List.of(
            new ContainerHostActivitiesImpl(runtime, host.hostId(), settings.instanceNetwork())));
  }

  @Bean
  ContainerReconciliation containerReconciliation(
      ModelRuntime runtime,
      ModelRegistry registry,
      InstanceHealthRegistry health,
      HostSettings host) {
    return new ContainerReconciliation(runtime, registry, health, host.hostId());
  }
}
