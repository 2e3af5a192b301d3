package dev.modelyard.infra.runtime;

import dev.modelyard.infra.engine.EngineRunner;
import dev.modelyard.infra.engine.InstanceNetwork;
import dev.modelyard.infra.engine.LlamaEngine;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs each instance as an {@link EngineRunner} inside this JVM: the embedded default, with nothing
 * to install. Instances end with the process; the health workflow notices and restarts.
 */
public final class InProcessEngineRuntime implements ModelRuntime, AutoCloseable {

  private final InstanceNetwork network;
  private final Map<String, EngineRunner> runners = new ConcurrentHashMap<>();

  /** Instances on loopback at any free port: the single-machine default. */
  public InProcessEngineRuntime() {
    this(InstanceNetwork.LOOPBACK);
  }

  /** Instances listening, and registered, where {@code network} says. */
  public InProcessEngineRuntime(InstanceNetwork network) {
    this.network = network;
  }

  @Override
  public URI start(InstanceSpec spec) {
    return runners
        .computeIfAbsent(
            spec.instanceId(),
            id ->
                EngineRunner.start(
                    spec.modelName(), LlamaEngine.load(spec.modelPath(), spec.options()), network))
        .endpoint();
  }

  @Override
  public void stop(String instanceId) {
    EngineRunner runner = runners.remove(instanceId);
    if (runner != null) {
      runner.close();
    }
  }

  @Override
  public Optional<URI> endpoint(String instanceId) {
    return Optional.ofNullable(runners.get(instanceId)).map(EngineRunner::endpoint);
  }

  @Override
  public void close() {
    runners.keySet().forEach(this::stop);
  }
}
