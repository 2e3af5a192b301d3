package dev.modelyard.workers;

import dev.modelyard.infra.containers.DockerEngineSettings;
import dev.modelyard.infra.engine.InstanceNetwork;
import dev.modelyard.infra.providers.openai.OpenAiCompatibleClient;
import dev.modelyard.infra.registry.HostRuntime;
import dev.modelyard.infra.registry.ModelRegistry;
import dev.modelyard.infra.runtime.DockerRuntime;
import dev.modelyard.infra.runtime.DockerRuntimeSettings;
import dev.modelyard.infra.runtime.InProcessEngineRuntime;
import dev.modelyard.infra.runtime.LocalProcessRuntime;
import dev.modelyard.infra.runtime.ModelRuntime;
import dev.modelyard.infra.runtime.ModelServer;
import dev.modelyard.infra.settings.DataDirSettings;
import dev.modelyard.infra.settings.DockerSettings;
import dev.modelyard.infra.settings.HostSettings;
import dev.modelyard.workers.pools.PoolRegistration;
import dev.modelyard.workers.pools.WorkerPoolSettings;
import dev.modelyard.workers.pools.WorkerPools;
import io.temporal.client.WorkflowClient;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.context.TypeExcludeFilter;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.FilterType;
import org.springframework.core.env.Environment;

/**
 * The worker side. Each capability package contributes a configuration declaring what it runs on
 * which pool ({@link PoolRegistration} beans); this one holds what they share.
 */
@Configuration(proxyBeanMethods = false)
@ComponentScan(
    excludeFilters = {
      @ComponentScan.Filter(SpringBootConfiguration.class),
      @ComponentScan.Filter(type = FilterType.CUSTOM, classes = TypeExcludeFilter.class)
    })
@EnableConfigurationProperties({WorkerPoolSettings.class, RuntimeSettings.class})
public class WorkersConfiguration {

  private static final Logger log = LoggerFactory.getLogger(WorkersConfiguration.class);
  private static final URI DEFAULT_DOCKER_HOST = URI.create("unix:///var/run/docker.sock");

  @Bean(destroyMethod = "close")
  ModelRuntime modelRuntime(
      RuntimeSettings settings,
      DataDirSettings dataDir,
      DockerSettings docker,
      HostSettings host,
      Environment environment) {
    InstanceNetwork network = settings.instanceNetwork();
    log.info(
        "Model instances listen on {}, ports {} (MODELYARD_INSTANCE_ADDRESS,"
            + " MODELYARD_INSTANCE_PORTS)",
        network.address().getHostAddress(),
        network.ports().isAny() ? "any free" : network.ports());
    return switch (settings.runtime()) {
      case IN_PROCESS -> {
        log.info(
            "Model engine: embedded llama.cpp, instances run in this process (MODELYARD_RUNTIME)");
        yield new InProcessEngineRuntime(network);
      }
      case LOCAL_PROCESS -> {
        Path logs = dataDir.dataDir().resolve("instances");
        log.info("Model engine: embedded llama.cpp, one process per instance, logs in {}", logs);
        yield new LocalProcessRuntime(logs, network, settings.instanceStartTimeout());
      }
      case DOCKER -> {
        // Bound only here: its image is required, and only this runtime needs one.
        DockerRuntimeSettings runtime =
            Binder.get(environment)
                .bindOrCreate("modelyard.docker.runtime", DockerRuntimeSettings.class);
        URI engine = docker.host() != null ? docker.host() : DEFAULT_DOCKER_HOST;
        log.info(
            "Model engine: one container per instance from {} on the Docker engine at {}",
            runtime.engineRunnerImage(),
            engine);
        yield DockerRuntime.connect(
            DockerEngineSettings.of(engine), runtime, host.hostId(), network);
      }
    };
  }

  /** Asks instances for a real generation: a listening port alone is not readiness. */
  @Bean
  OpenAiCompatibleClient instanceProbeClient() {
    return new OpenAiCompatibleClient(Duration.ofSeconds(2), Duration.ofSeconds(60));
  }

  @Bean
  WorkerPools workerPools(
      WorkflowClient client,
      ModelRegistry registry,
      HostSettings host,
      ModelRuntime runtime,
      WorkerPoolSettings settings,
      List<PoolRegistration> registrations) {
    Set<ModelServer> servers =
        Arrays.stream(ModelServer.values())
            .filter(runtime::runs)
            .collect(Collectors.toCollection(() -> EnumSet.noneOf(ModelServer.class)));
    return new WorkerPools(
        client,
        registry,
        host.hostId(),
        new HostRuntime(servers, runtime.runsContainers()),
        settings,
        registrations);
  }
}
