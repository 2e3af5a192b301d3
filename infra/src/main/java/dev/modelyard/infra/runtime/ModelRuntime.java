package dev.modelyard.infra.runtime;

import java.net.URI;
import java.util.Optional;

/**
 * Starts and stops model instances on this host: in this process ({@link InProcessEngineRuntime})
 * or one process each ({@link LocalProcessRuntime}) or one container each ({@link DockerRuntime}).
 */
public interface ModelRuntime extends AutoCloseable {

  /** Starts an instance and returns its endpoint once it listens; idempotent per instance ID. */
  URI start(InstanceSpec spec);

  /**
   * Whether this runtime can run instances of {@code server}; every runtime runs the engine runner.
   */
  default boolean runs(ModelServer server) {
    return server == ModelServer.ENGINE_RUNNER;
  }

  /** Stops an instance; an unknown ID is not an error, so that compensations can always run. */
  void stop(String instanceId);

  Optional<URI> endpoint(String instanceId);

  /** Whether each instance runs in a container of its own. */
  default boolean runsContainers() {
    return false;
  }

  /** The container an instance runs in, for runtimes that run containers; else empty. */
  default Optional<String> containerId(String instanceId) {
    return Optional.empty();
  }

  /** Stops every instance this runtime started. */
  @Override
  void close();
}
