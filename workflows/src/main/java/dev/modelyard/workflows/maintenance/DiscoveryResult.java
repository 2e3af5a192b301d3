package dev.modelyard.workflows.maintenance;

import java.util.List;

/**
 * What one discovery did: models added, updated and found unchanged, loaded instances recorded and
 * instances recorded stopped because their provider no longer reports them, and the providers or
 * hosts that could not be asked.
 */
public record DiscoveryResult(
    int added,
    int updated,
    int unchanged,
    int instancesReported,
    int instancesStopped,
    List<String> problems) {

  public DiscoveryResult {
    problems = problems == null ? List.of() : List.copyOf(problems);
  }
}
