package dev.modelyard.workers;

import dev.modelyard.infra.providers.openai.OpenAiCompatibleClient;
import dev.modelyard.infra.registry.ModelRegistry;
import dev.modelyard.infra.runtime.InProcessEngineRuntime;
import dev.modelyard.infra.settings.HostSettings;
import dev.modelyard.workers.deployments.InstanceHostActivitiesImpl;
import dev.modelyard.workers.deployments.InstanceRegistryActivitiesImpl;
import dev.modelyard.workers.models.ModelFileActivitiesImpl;
import dev.modelyard.workers.models.ModelRegistryActivitiesImpl;
import dev.modelyard.workers.pools.PoolKind;
import dev.modelyard.workers.pools.PoolRegistration;
import dev.modelyard.workers.pools.WorkerPoolSettings;
import dev.modelyard.workers.pools.WorkerPools;
import dev.modelyard.workflows.deployments.LoadModelWorkflowImpl;
import dev.modelyard.workflows.models.PullModelWorkflowImpl;
import io.temporal.client.WorkflowClient;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The worker side: which workflows and activities run on which pool. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(WorkerPoolSettings.class)
public class WorkersConfiguration {

  private static final Logger log = LoggerFactory.getLogger(WorkersConfiguration.class);

  @Bean(destroyMethod = "close")
  InProcessEngineRuntime modelRuntime() {
    log.info("Model engine: embedded llama.cpp, instances run in this process");
    return new InProcessEngineRuntime();
  }

  @Bean
  WorkerPools workerPools(
      WorkflowClient client,
      ModelRegistry registry,
      HostSettings host,
      WorkerPoolSettings settings,
      InProcessEngineRuntime runtime) {
    ModelRegistryActivitiesImpl models = new ModelRegistryActivitiesImpl(registry);
    InstanceRegistryActivitiesImpl instances = new InstanceRegistryActivitiesImpl(registry);
    OpenAiCompatibleClient probe =
        new OpenAiCompatibleClient(Duration.ofSeconds(2), Duration.ofSeconds(60));
    return new WorkerPools(
        client,
        registry,
        host.hostId(),
        settings,
        List.of(
            new PoolRegistration(
                PoolKind.PULLS, List.of(PullModelWorkflowImpl.class), List.of(models)),
            new PoolRegistration(
                PoolKind.RUNTIME, List.of(LoadModelWorkflowImpl.class), List.of(models, instances)),
            new PoolRegistration(
                PoolKind.HOST,
                List.of(),
                List.of(
                    new ModelFileActivitiesImpl(),
                    new InstanceHostActivitiesImpl(runtime, probe)))));
  }
}
