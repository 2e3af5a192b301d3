package dev.modelyard.infra.containers;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach a Docker engine.
 *
 * @param host the engine's address as DOCKER_HOST spells it, e.g. {@code
 *     unix:///var/run/docker.sock} or {@code tcp://127.0.0.1:2375} (plain TCP: TLS is not supported
 *     yet)
 * @param connectTimeout how long to wait for a connection
 * @param responseTimeout how long any single read may stall; it also caps {@link
 *     DockerEngine#waitForExit}, whose answer arrives only when the container exits
 */
public record DockerEngineSettings(URI host, Duration connectTimeout, Duration responseTimeout) {

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofMinutes(10);

  public DockerEngineSettings {
    Objects.requireNonNull(host, "host");
    if (!"unix".equals(host.getScheme()) && !"tcp".equals(host.getScheme())) {
      throw new IllegalArgumentException(
          "Docker host must be a unix:// or tcp:// URI, was " + host);
    }
    requirePositive(connectTimeout, "connectTimeout");
    requirePositive(responseTimeout, "responseTimeout");
  }

  public static DockerEngineSettings of(URI host) {
    return new DockerEngineSettings(host, DEFAULT_CONNECT_TIMEOUT, DEFAULT_RESPONSE_TIMEOUT);
  }

  private static void requirePositive(Duration value, String what) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, was " + value);
    }
  }
}
