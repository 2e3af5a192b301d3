package dev.modelyard.workers.models;

import dev.modelyard.infra.registry.ModelRegistry;
import dev.modelyard.workers.pools.PoolKind;
import dev.modelyard.workers.pools.PoolRegistration;
import dev.modelyard.workflows.models.PullModelWorkflowImpl;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Pulls run on the pulls pool; reading model files happens on the host that holds them. */
@Configuration(proxyBeanMethods = false)
class ModelsWorkersConfiguration {

  @Bean
  PoolRegistration pullsPool(ModelRegistry registry) {
    return new PoolRegistration(
        PoolKind.PULLS,
        List.of(PullModelWorkflowImpl.class),
        List.of(new ModelRegistryActivitiesImpl(registry)));
  }

  @Bean
  PoolRegistration modelFilesOnHost() {
    return new PoolRegistration(PoolKind.HOST, List.of(), List.of(new ModelFileActivitiesImpl()));
  }
}
