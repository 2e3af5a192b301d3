package dev.modelyard.api.gateway;

import dev.modelyard.infra.registry.ModelRegistry;
import dev.modelyard.workflows.deployments.NewInstance;
import dev.modelyard.workflows.deployments.ResourceRequirements;
import dev.modelyard.workflows.deployments.StartedInstance;
import dev.modelyard.workflows.models.ModelFileFacts;
import dev.modelyard.workflows.models.ModelRef;
import dev.modelyard.workflows.models.Provider;
import dev.modelyard.workflows.models.RegisterModel;
import java.net.URI;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Writes models and their instances into the registry as the lifecycle workflows do, so that a
 * gateway test can route to instances it started itself.
 */
final class RegisteredInstances {

  private static final String HOST = "gateway-tests";

  private final ModelRegistry registry;
  private final JdbcClient jdbc;

  RegisteredInstances(ApiReplica api) {
    this.registry = api.bean(ModelRegistry.class);
    this.jdbc = api.bean(JdbcClient.class);
    registry.recordHost(HOST, "modelyard-host-" + HOST);
  }

  /** Registers a model, answering its id. */
  String model(Provider provider, String name, String digest, int contextLength) {
    return registry
        .registerModel(
            new RegisterModel(
                new ModelRef(provider, name),
                HOST,
                new ModelFileFacts(
                    "/models/" + name, 1, digest, "gguf", "llama", 1, "F32", contextLength)))
        .modelId();
  }

  void ready(String modelId, String instanceId, URI endpoint) {
    registry.recordStarting(
        new NewInstance(instanceId, modelId, HOST, ResourceRequirements.DEFAULTS));
    registry.recordReady(new StartedInstance(instanceId, endpoint.toString()));
  }

  /** Ready with a context length of its own, as an instance loaded with one has. */
  void ready(String modelId, String instanceId, URI endpoint, int contextLength) {
    registry.recordStarting(
        new NewInstance(instanceId, modelId, HOST, ResourceRequirements.DEFAULTS));
    jdbc.sql("update model_instances set context_length = :context where instance_id = :id")
        .param("context", contextLength)
        .param("id", instanceId)
        .update();
    registry.recordReady(new StartedInstance(instanceId, endpoint.toString()));
  }

  void stopped(String instanceId) {
    registry.recordStopped(instanceId);
  }

  void healthScore(String instanceId, int score) {
    jdbc.sql("update model_instances set health_score = :score where instance_id = :id")
        .param("score", score)
        .param("id", instanceId)
        .update();
  }
}
