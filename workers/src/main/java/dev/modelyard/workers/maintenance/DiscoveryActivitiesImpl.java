package dev.modelyard.workers.maintenance;

import dev.modelyard.infra.providers.ollama.ModelDetails;
import dev.modelyard.infra.providers.ollama.OllamaClient;
import dev.modelyard.infra.providers.ollama.OllamaModel;
import dev.modelyard.infra.providers.ollama.RunningModel;
import dev.modelyard.infra.registry.MaintenanceRegistry;
import dev.modelyard.workflows.maintenance.DiscoveredInstance;
import dev.modelyard.workflows.maintenance.DiscoveryActivities;
import dev.modelyard.workflows.maintenance.DiscoveryApplied;
import dev.modelyard.workflows.maintenance.DiscoveryPlan;
import dev.modelyard.workflows.maintenance.ModelEntry;
import dev.modelyard.workflows.maintenance.ProviderReport;
import dev.modelyard.workflows.models.Provider;
import io.temporal.activity.Activity;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * Asks this worker's Ollama (OLLAMA_HOST) and TGI server (HF_LOCAL_HOST). Ollama's models are
 * recorded on this worker's host, as a pull into Ollama records them, if this worker is a host
 * (polls its host queue); a worker that only runs maintenance (on Kubernetes) names no host, and a
 * model's recorded host is kept. Ollama's loaded models become instances on the {@code external}
 * host, since Ollama, not Modelyard, starts and stops them.
 */
class DiscoveryActivitiesImpl implements DiscoveryActivities {

  private static final String DIGEST_PREFIX = "sha256:";

  private final MaintenanceRegistry registry;
  private final OllamaClient ollama;
  private final URI ollamaUrl;
  private final TgiInfoClient tgi;
  private final String hostId;
  private final boolean isHost;

  /**
   * @param ollama null when OLLAMA_HOST is not set on this worker
   * @param tgi null when HF_LOCAL_HOST is not set on this worker
   * @param hostId names this worker's reports (and the instances they find), host or not
   * @param isHost whether this worker records itself as a host, where models may be recorded
   */
  DiscoveryActivitiesImpl(
      MaintenanceRegistry registry,
      OllamaClient ollama,
      URI ollamaUrl,
      TgiInfoClient tgi,
      String hostId,
      boolean isHost) {
    this.registry = registry;
    this.ollama = ollama;
    this.ollamaUrl = ollamaUrl;
    this.tgi = tgi;
    this.hostId = hostId;
    this.isHost = isHost;
  }

  @Override
  public List<ModelEntry> registeredModels() {
    return registry.models();
  }

  @Override
  public ProviderReport reportOllamaModels() {
    String source = "ollama@" + hostId;
    if (ollama == null) {
      return ProviderReport.notConfigured(source);
    }
    try {
      List<ModelEntry> models = ollama.tags().stream().map(this::entry).toList();
      List<DiscoveredInstance> loaded =
          ollama.ps().stream().map(running -> instance(source, running)).toList();
      return new ProviderReport(source, true, models, loaded, null);
    } catch (IOException e) {
      // A server that is down is a fact to report, not a failure to retry: the next run asks.
      return ProviderReport.unreachable(source, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Activity.wrap(e);
    }
  }

  @Override
  public ProviderReport reportTgiModel() {
    if (tgi == null) {
      return ProviderReport.notConfigured("tgi");
    }
    String source = "tgi@" + tgi.baseUrl();
    try {
      TgiInfoClient.Info info = tgi.info();
      ModelEntry model =
          new ModelEntry(
              Provider.HF_LOCAL.wireName(),
              info.modelId(),
              null,
              tgi.baseUrl().toString(),
              "tgi",
              null,
              null,
              info.quantize(),
              info.contextLength(),
              null,
              info.modelSha());
      return new ProviderReport(source, true, List.of(model), List.of(), null);
    } catch (IOException e) {
      return ProviderReport.unreachable(source, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Activity.wrap(e);
    }
  }

  @Override
  public DiscoveryApplied applyDiscovery(DiscoveryPlan plan) {
    return registry.apply(plan);
  }

  @Override
  public List<String> knownHosts() {
    return registry.hostIds();
  }

  private ModelEntry entry(OllamaModel model) {
    ModelDetails details = model.details();
    long parameters = details == null ? 0 : details.parameterCount();
    return new ModelEntry(
        Provider.LOCAL_OLLAMA.wireName(),
        model.name(),
        isHost ? hostId : null,
        model.name(),
        "ollama",
        details == null ? null : details.family(),
        parameters > 0 ? parameters : null,
        details == null ? null : details.quantizationLevel(),
        null,
        model.size(),
        digest(model.digest()));
  }

  private DiscoveredInstance instance(String source, RunningModel running) {
    return new DiscoveredInstance(
        source + ":" + running.name(),
        Provider.LOCAL_OLLAMA.wireName(),
        running.name(),
        ollamaUrl.toString());
  }

  private static String digest(String digest) {
    if (digest == null) {
      return null;
    }
    String lower = digest.toLowerCase(Locale.ROOT);
    return lower.startsWith(DIGEST_PREFIX) ? lower.substring(DIGEST_PREFIX.length()) : lower;
  }
}
