package dev.modelyard.infra.runtime;

import java.net.URI;
import java.util.Optional;

/**
 * Starts and stops model instances on this host. Implementations: the in-process engine runtime
 * here; the local-process and Docker runtimes come with their issues.
 */
public interface ModelRuntime {

  /** Starts an instance and returns its endpoint once it listens; idempotent per instance ID. */
  URI start(InstanceSpec spec);

  /** Stops an instance; an unknown ID is not an error, so that compensations can always run. */
  void stop(String instanceId);

  Optional<URI> endpoint(String instanceId);
}
