package dev.modelyard.workers.models;

import dev.modelyard.infra.providers.huggingface.HuggingFaceClient;
import dev.modelyard.infra.providers.huggingface.HuggingFaceSettings;
import dev.modelyard.infra.providers.ollama.OllamaClient;
import dev.modelyard.infra.providers.ollama.OllamaSettings;
import dev.modelyard.infra.registry.ModelRegistry;
import dev.modelyard.infra.settings.DataDirSettings;
import dev.modelyard.infra.settings.HostSettings;
import dev.modelyard.infra.settings.ProviderSettings;
import dev.modelyard.workers.pools.PoolKind;
import dev.modelyard.workers.pools.PoolRegistration;
import dev.modelyard.workflows.models.PullModelWorkflowImpl;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Pulls run on the pulls pool; reading, downloading and pulling model files happens on the host
 * that keeps them. Ollama pulls run there too: OLLAMA_HOST is set per machine (usually loopback),
 * and the model's blobs end up on the host the registry row names.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({DownloadSettings.class, LocalModelSettings.class})
class ModelsWorkersConfiguration {

  private static final Logger log = LoggerFactory.getLogger(ModelsWorkersConfiguration.class);

  @Bean
  PoolRegistration pullsPool(ModelRegistry registry) {
    return new PoolRegistration(
        PoolKind.PULLS,
        List.of(PullModelWorkflowImpl.class),
        List.of(new ModelRegistryActivitiesImpl(registry)));
  }

  /**
   * The Hugging Face and Ollama activities are on both of a host's queues: downloads run on its
   * transfers queue, the steps around them (verify and install, discard) on the host queue, which
   * also takes every step of a pull started before transfers had a queue of their own.
   */
  @Bean
  PoolRegistration modelFilesOnHost(
      HuggingFaceActivitiesImpl huggingFaceActivities,
      OllamaActivitiesImpl ollamaActivities,
      LocalModelSettings local,
      DataDirSettings dataDir) {
    List<Path> roots = List.of();
    if (local.roots().isEmpty()) {
      log.warn(
          "local_gguf models may be registered from any file this worker can read; set"
              + " MODELYARD_MODELS_LOCAL_ROOTS to the folders that hold them");
    } else {
      // Downloads are inspected in the model store once installed.
      roots = Stream.concat(local.roots().stream(), Stream.of(dataDir.modelStore())).toList();
      log.info("local_gguf models may be registered from {}", roots);
    }
    return new PoolRegistration(
        PoolKind.HOST,
        List.of(),
        List.of(new ModelFileActivitiesImpl(roots), huggingFaceActivities, ollamaActivities));
  }

  @Bean
  PoolRegistration transfersOnHost(
      HuggingFaceActivitiesImpl huggingFaceActivities, OllamaActivitiesImpl ollamaActivities) {
    return new PoolRegistration(
        PoolKind.TRANSFERS, List.of(), List.of(huggingFaceActivities, ollamaActivities));
  }

  @Bean(destroyMethod = "close")
  HuggingFaceActivitiesImpl huggingFaceActivities(
      ProviderSettings providers,
      DataDirSettings dataDir,
      HostSettings host,
      DownloadSettings downloads) {
    URI endpoint =
        providers.hfEndpoint() != null ? providers.hfEndpoint() : HuggingFaceSettings.HUB;
    ModelStore store = new ModelStore(dataDir.modelStore());
    log.info(
        "Hugging Face: downloads from {} ({}) into {}{}",
        endpoint,
        providers.hfEndpoint() != null ? "HF_ENDPOINT" : "HF_ENDPOINT not set, the Hub",
        dataDir.modelStore(),
        downloads.rateLimit() != null ? ", at most " + downloads.rateLimit() + "/s" : "");
    // Mirrors log the user agent: naming the host tells whose download a line is.
    HuggingFaceClient hub =
        new HuggingFaceClient(
            HuggingFaceSettings.of(endpoint)
                .withUserAgent("modelyard (host " + host.hostId() + ")"));
    return new HuggingFaceActivitiesImpl(
        hub, store, downloads::pacer, new DiskRoom(downloads.keepFree()));
  }

  @Bean(destroyMethod = "close")
  OllamaActivitiesImpl ollamaActivities(ProviderSettings providers, HostSettings host) {
    if (providers.ollamaHost() == null) {
      log.info("Ollama: OLLAMA_HOST not set, local_ollama pulls on this host fail until it is");
      return new OllamaActivitiesImpl(null, host.hostId());
    }
    log.info("Ollama: pulls go to {} (OLLAMA_HOST)", providers.ollamaHost());
    return new OllamaActivitiesImpl(
        new OllamaClient(OllamaSettings.of(providers.ollamaHost())), host.hostId());
  }
}
