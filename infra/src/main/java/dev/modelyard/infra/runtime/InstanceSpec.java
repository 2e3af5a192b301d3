package dev.modelyard.infra.runtime;

import dev.modelyard.infra.engine.EngineOptions;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What to run: a model under a name, with its engine options and the resources it may use.
 *
 * @param modelName the name the server answers to; runtimes that label what they start also record
 *     it as the model
 * @param modelPath the model's file (engine runner) or folder (TGI); null where the model is named
 *     instead ({@code servedModel})
 * @param deployment the deployment the instance belongs to, or null for a plain load
 * @param server the server program that runs it
 * @param servedModel the model as the server itself names it, which requests to it must carry
 *     (Ollama's {@code tiny:latest}, or a Hub ID for TGI); null for the engine runner, which
 *     answers to any name
 */
public record InstanceSpec(
    String instanceId,
    String modelName,
    Path modelPath,
    EngineOptions options,
    InstanceResources resources,
    String deployment,
    ModelServer server,
    String servedModel) {

  public InstanceSpec {
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(resources, "resources");
    server = server == null ? ModelServer.ENGINE_RUNNER : server;
    if (server == ModelServer.OLLAMA && (servedModel == null || servedModel.isBlank())) {
      throw new IllegalArgumentException("an Ollama instance needs the model's Ollama name");
    }
    if (server == ModelServer.TGI && modelPath == null && servedModel == null) {
      throw new IllegalArgumentException("a TGI instance needs the model's folder or Hub ID");
    }
  }

  /** An engine-runner instance of a GGUF file. */
  public InstanceSpec(
      String instanceId,
      String modelName,
      Path modelPath,
      EngineOptions options,
      InstanceResources resources,
      String deployment) {
    this(instanceId, modelName, modelPath, options, resources, deployment, null, null);
  }

  /** An instance outside any deployment, without limits beyond its engine options. */
  public InstanceSpec(String instanceId, String modelName, Path modelPath, EngineOptions options) {
    this(instanceId, modelName, modelPath, options, InstanceResources.UNLIMITED, null);
  }
}
