package dev.modelyard.workers.deployments;

import dev.modelyard.infra.providers.openai.OpenAiCompatibleClient;
import dev.modelyard.infra.registry.ModelRegistry;
import dev.modelyard.infra.runtime.ModelRuntime;
import dev.modelyard.workers.models.ModelRegistryActivitiesImpl;
import dev.modelyard.workers.pools.PoolKind;
import dev.modelyard.workers.pools.PoolRegistration;
import dev.modelyard.workflows.deployments.DeploymentWorkflowImpl;
import dev.modelyard.workflows.deployments.LoadModelWorkflowImpl;
import dev.modelyard.workflows.deployments.RegisterEndpointWorkflowImpl;
import dev.modelyard.workflows.deployments.StopInstanceWorkflowImpl;
import dev.modelyard.workflows.deployments.UnloadModelWorkflowImpl;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Loads, unloads, deployments and endpoint registrations run on the runtime pool; starting and
 * stopping instances happens on their host.
 */
@Configuration(proxyBeanMethods = false)
class DeploymentsWorkersConfiguration {

  @Bean
  PoolRegistration runtimePool(ModelRegistry registry, OpenAiCompatibleClient instanceProbeClient) {
    return new PoolRegistration(
        PoolKind.RUNTIME,
        List.of(
            LoadModelWorkflowImpl.class,
            UnloadModelWorkflowImpl.class,
            DeploymentWorkflowImpl.class,
            RegisterEndpointWorkflowImpl.class,
            StopInstanceWorkflowImpl.class),
        List.of(
            new ModelRegistryActivitiesImpl(registry),
            new InstanceRegistryActivitiesImpl(registry),
            new EndpointActivitiesImpl(instanceProbeClient)));
  }

  @Bean
  InstanceHostActivitiesImpl instanceHostActivities(
      ModelRuntime runtime, OpenAiCompatibleClient instanceProbeClient) {
    return new InstanceHostActivitiesImpl(runtime, instanceProbeClient);
  }

  @Bean
  PoolRegistration instancesOnHost(InstanceHostActivitiesImpl instances) {
    return new PoolRegistration(PoolKind.HOST, List.of(), List.of(instances));
  }

  /**
   * The same activities, so that a stop knows the starts under way (their attempts) on its host.
   */
  @Bean
  PoolRegistration instanceStopsOnHost(InstanceHostActivitiesImpl instances) {
    return new PoolRegistration(PoolKind.STOPS, List.of(), List.of(instances));
  }
}
