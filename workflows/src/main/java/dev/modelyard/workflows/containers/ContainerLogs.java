package dev.modelyard.workflows.containers;

import java.util.List;

/** A container's last output lines, stdout and stderr interleaved, oldest first. */
public record ContainerLogs(String containerId, String hostId, List<String> lines) {

  public ContainerLogs {
    lines = List.copyOf(lines);
  }
}
