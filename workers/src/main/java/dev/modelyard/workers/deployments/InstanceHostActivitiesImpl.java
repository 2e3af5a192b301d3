package dev.modelyard.workers.deployments;

import dev.modelyard.infra.engine.EngineOptions;
import dev.modelyard.infra.providers.openai.ChatCompletionRequest;
import dev.modelyard.infra.providers.openai.ChatCompletionResponse;
import dev.modelyard.infra.providers.openai.ChatMessage;
import dev.modelyard.infra.providers.openai.OpenAiCompatibleClient;
import dev.modelyard.infra.runtime.InstanceResources;
import dev.modelyard.infra.runtime.InstanceSpec;
import dev.modelyard.infra.runtime.ModelRuntime;
import dev.modelyard.infra.runtime.ModelServer;
import dev.modelyard.workflows.deployments.InstanceHostActivities;
import dev.modelyard.workflows.deployments.ResourceRequirements;
import dev.modelyard.workflows.deployments.StartInstance;
import dev.modelyard.workflows.deployments.StartedInstance;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.springframework.util.unit.DataSize;

public class InstanceHostActivitiesImpl implements InstanceHostActivities {

  private final ModelRuntime runtime;
  private final OpenAiCompatibleClient probeClient;

  public InstanceHostActivitiesImpl(ModelRuntime runtime, OpenAiCompatibleClient probeClient) {
    this.runtime = runtime;
    this.probeClient = probeClient;
  }

  @Override
  public StartedInstance startInstance(StartInstance request) {
    InstanceSpec spec = spec(request);
    Activity.getExecutionContext().heartbeat("starting");
    URI endpoint = runtime.start(spec);
    Activity.getExecutionContext().heartbeat("probing");
    probe(endpoint, spec.servedModel());
    return new StartedInstance(
        request.instanceId(),
        endpoint.toString(),
        runtime.containerId(request.instanceId()).orElse(null));
  }

  @Override
  public void stopInstance(String instanceId) {
    runtime.stop(instanceId);
  }

  /**
   * What the runtime runs: Ollama's models in Ollama, {@code hf_local} ones in TGI, files in the
   * engine runner. The model location is a name for Ollama, a folder or Hub ID for TGI.
   */
  private InstanceSpec spec(StartInstance request) {
    ModelServer server = ModelServer.of(request.provider());
    if (!runtime.runs(server)) {
      throw ApplicationFailure.newNonRetryableFailure(
          "this host's model runtime does not run "
              + server
              + " instances (provider "
              + request.provider().wireName()
              + "); the Docker runtime does, given its image",
          INSTANCE_START_REJECTED);
    }
    String location = request.modelPath();
    boolean named =
        server == ModelServer.OLLAMA || (server == ModelServer.TGI && !location.startsWith("/"));
    try {
      return new InstanceSpec(
          request.instanceId(),
          request.modelId(),
          named ? null : Path.of(location),
          options(request.resources()),
          resources(request.resources()),
          request.deployment(),
          server,
          named ? location : null);
    } catch (IllegalArgumentException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), INSTANCE_START_REJECTED);
    }
  }

  /**
   * A listening port is not readiness: the instance must answer a real one-token generation. A
   * server of several models (Ollama) must be told which.
   */
  private void probe(URI endpoint, String servedModel) {
    try {
      ChatCompletionResponse response =
          probeClient.chat(
              endpoint,
              new ChatCompletionRequest(
                  servedModel, List.of(new ChatMessage("user", "ping")), 1, 0.0, 1, false));
      if (response.usage() == null || response.usage().completionTokens() < 1) {
        throw ApplicationFailure.newFailure(
            endpoint + " answered the probe without generating a token", "ProbeFailed");
      }
    } catch (IOException e) {
      throw ApplicationFailure.newFailure(
          endpoint + " did not answer the readiness probe: " + e.getMessage(), "ProbeFailed");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure("interrupted while probing " + endpoint, "ProbeFailed");
    }
  }

  /** The limits a runtime enforces where it can: a container's memory limit and GPU requests. */
  private static InstanceResources resources(ResourceRequirements resources) {
    try {
      return new InstanceResources(
          resources.memoryBytes() == null ? null : DataSize.ofBytes(resources.memoryBytes()),
          resources.gpuDeviceIds());
    } catch (IllegalArgumentException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), INSTANCE_START_REJECTED);
    }
  }

  private static EngineOptions options(ResourceRequirements resources) {
    try {
      return EngineOptions.of(
          resources.contextLength(), resources.cpuThreads(), resources.parallelSlots());
    } catch (IllegalArgumentException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), INSTANCE_START_REJECTED);
    }
  }
}
