package dev.modelyard.infra.runtime;

import dev.modelyard.infra.containers.ContainerMount;
import dev.modelyard.infra.providers.ollama.OllamaClient;
import dev.modelyard.infra.providers.ollama.OllamaModelName;
import dev.modelyard.infra.providers.ollama.OllamaSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ollama serve} with one model: the container's Ollama pulls it from its registry once it
 * answers, and keeps it loaded for as long as the container lives (an instance is one loaded
 * model).
 *
 * @param models the host folder the containers keep Ollama's models in, so that each is downloaded
 *     once per host; null pulls into each container, whose copy goes with it
 * @param pullTimeout how long fetching the model may take
 */
record OllamaServer(String image, Path models, Duration pullTimeout) implements ContainerServer {

  private static final String MODELS_DIR = "/root/.ollama/models";

  @Override
  public List<String> command(InstanceSpec spec, String host, int port) {
    return List.of("serve");
  }

  @Override
  public Map<String, String> env(InstanceSpec spec, String host, int port) {
    Map<String, String> env = new HashMap<>();
    env.put("OLLAMA_HOST", host + ":" + port);
    env.put("OLLAMA_MODELS", MODELS_DIR);
    // Ollama unloads an idle model after five minutes; this container exists to serve it.
    env.put("OLLAMA_KEEP_ALIVE", "-1");
    env.put("OLLAMA_CONTEXT_LENGTH", Integer.toString(spec.options().contextLength()));
    env.put("OLLAMA_NUM_PARALLEL", Integer.toString(spec.options().parallelSlots()));
    if (models != null) {
      // A starting Ollama deletes blobs its own manifests do not name; others' pulls may be under
      // way in the shared folder.
      env.put("OLLAMA_NOPRUNE", "1");
    }
    return env;
  }

  @Override
  public List<ContainerMount> mounts(InstanceSpec spec) {
    return models == null
        ? List.of()
        : List.of(new ContainerMount(models.toAbsolutePath(), MODELS_DIR, false));
  }

  @Override
  public String healthPath() {
    return "/api/version";
  }

  @Override
  public List<String> healthCommand(URI url) {
    return List.of("wget", "-q", "-O", "/dev/null", url.toString());
  }

  /** Pulls the model; a model already in the folder only has its manifest checked. */
  @Override
  public void prepare(InstanceSpec spec, URI endpoint) {
    String model = spec.servedModel();
    try (OllamaClient ollama = new OllamaClient(OllamaSettings.of(endpoint))) {
      // A registry on this machine rarely has TLS; Ollama must be told that is fine.
      ollama.pull(
          model, OllamaModelName.parse(model).isLoopbackRegistry(), progress -> {}, pullTimeout);
    } catch (IOException e) {
      throw new IllegalStateException(
          "the Ollama container could not pull " + model + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while pulling " + model, e);
    }
  }
}
