package dev.modelyard.workflows.maintenance;

import io.temporal.activity.ActivityInterface;
import java.util.List;

/**
 * Discovery's HTTP and registry side, run on the maintenance queue. The Ollama and TGI servers are
 * the ones the worker that runs the activity is configured with (OLLAMA_HOST, HF_LOCAL_HOST).
 */
@ActivityInterface
public interface DiscoveryActivities {

  /** Every model in the registry, whoever registered it. */
  List<ModelEntry> registeredModels();

  /** Ollama's {@code /api/tags} as models and {@code /api/ps} as instances. */
  ProviderReport reportOllamaModels();

  /** The model the TGI server at HF_LOCAL_HOST serves ({@code GET /info}). */
  ProviderReport reportTgiModel();

  /** Writes the plan in one transaction; deletes nothing. */
  DiscoveryApplied applyDiscovery(DiscoveryPlan plan);

  /** The hosts whose model stores discovery and cleanup visit. */
  List<String> knownHosts();
}
