package dev.modelyard.infra.runtime;

import dev.modelyard.infra.engine.EngineOptions;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What to run: a model file under a name, with its engine options and the resources it may use.
 *
 * @param modelName the name the server answers to; runtimes that label what they start also record
 *     it as the model
 * @param deployment the deployment the instance belongs to, or null for a plain load
 */
public record InstanceSpec(
    String instanceId,
    String modelName,
    Path modelPath,
    EngineOptions options,
    InstanceResources resources,
    String deployment) {

  public InstanceSpec {
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(resources, "resources");
  }

  /** An instance outside any deployment, without limits beyond its engine options. */
  public InstanceSpec(String instanceId, String modelName, Path modelPath, EngineOptions options) {
    this(instanceId, modelName, modelPath, options, InstanceResources.UNLIMITED, null);
  }
}
