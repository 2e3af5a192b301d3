package dev.modelyard.infra.runtime;

import dev.modelyard.infra.engine.EngineOptions;
import java.nio.file.Path;

/** What to run: a model file under a name, with its engine options. */
public record InstanceSpec(
    String instanceId, String modelName, Path modelPath, EngineOptions options) {}
