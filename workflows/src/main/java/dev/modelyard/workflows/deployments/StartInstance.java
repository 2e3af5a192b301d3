package dev.modelyard.workflows.deployments;

import dev.modelyard.workflows.models.Provider;

/**
 * What a host needs to start an instance.
 *
 * @param modelPath where the model is, as the registry holds it: a file for GGUF models, a name for
 *     Ollama's
 * @param resources what it may use; its GPUs are those placement reserved, or those named
 * @param deployment the deployment the instance belongs to (its workflow ID), or null for a plain
 *     load; runtimes that label what they start record it
 * @param provider the model's provider, which decides the server that runs it (null in starts
 *     scheduled before it was sent: a GGUF model)
 */
public record StartInstance(
    String instanceId,
    String modelId,
    String modelPath,
    ResourceRequirements resources,
    String deployment,
    Provider provider) {

  public StartInstance(
      String instanceId, String modelId, String modelPath, ResourceRequirements resources) {
    this(instanceId, modelId, modelPath, resources, null, null);
  }
}
