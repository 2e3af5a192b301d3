package dev.modelyard.workers;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * MODELYARD_RUNTIME: how this host runs model instances. {@code in-process} (the default) loads
 * them into the worker's JVM, nothing to install; {@code local-process} gives each its own JVM, so
 * that a crash or a {@code kill -9} takes down one instance, never the worker; {@code docker} runs
 * each in a container of the engine-runner image ({@code modelyard.docker.runtime.*}) on the engine
 * at DOCKER_HOST.
 */
@ConfigurationProperties("modelyard")
public record RuntimeSettings(@DefaultValue("in-process") Kind runtime) {

  public enum Kind {
    IN_PROCESS,
    LOCAL_PROCESS,
    DOCKER
  }
}
