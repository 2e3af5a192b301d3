package dev.modelyard.workflows.maintenance;

import java.util.List;

/**
 * What one cleanup did, kept as the run's result in Temporal's history.
 *
 * @param unloadedModels models unloaded for idleness, as {@code provider/name}
 * @param failedStarts instances stuck starting that were recorded failed
 * @param deletedPartialFiles partial downloads deleted, as {@code host:path}
 * @param deletedAuditRows request audit rows past retention
 * @param problems what could not be done this time, e.g. a host that did not answer
 */
public record CleanupResult(
    List<String> unloadedModels,
    List<String> failedStarts,
    List<String> deletedPartialFiles,
    int deletedAuditRows,
    List<String> problems) {

  public CleanupResult {
    unloadedModels = List.copyOf(unloadedModels);
    failedStarts = List.copyOf(failedStarts);
    deletedPartialFiles = List.copyOf(deletedPartialFiles);
    problems = List.copyOf(problems);
  }
}
