package dev.modelyard.infra.containers;

import java.util.Map;

/**
 * One row of {@code docker ps -a}: enough to find a container again and tell whether it runs.
 *
 * @param name the container name, without Docker's leading slash
 * @param state Docker's word for its state: created, running, exited, …
 */
public record ContainerSummary(
    String id, String name, String image, String state, Map<String, String> labels) {

  public ContainerSummary {
    labels = Map.copyOf(labels);
  }
}
