package dev.modelyard.workflows.containers;

import java.time.Duration;
import java.util.Objects;

/**
 * The last {@code tail} lines of a container on a host.
 *
 * @param containerId Docker's full container ID, or a prefix of it that names one container
 * @param answerWithin how long the host has to answer, pickup included; null: {@link
 *     ContainerActivityStubs}' own bounds
 */
public record ContainerLogsRequest(
    String hostId, String containerId, int tail, Duration answerWithin) {

  public static final int MAX_TAIL = 10_000;

  public ContainerLogsRequest {
    Objects.requireNonNull(hostId, "hostId");
    Objects.requireNonNull(containerId, "containerId");
    if (tail < 1 || tail > MAX_TAIL) {
      throw new IllegalArgumentException(
          "tail must be between 1 and " + MAX_TAIL + ", was " + tail);
    }
  }

  public ContainerLogsRequest(String hostId, String containerId, int tail) {
    this(hostId, containerId, tail, null);
  }
}
