package dev.modelyard.workflows.maintenance;

import java.util.List;
import java.util.Map;

/**
 * What one cleanup did, kept as the run's result in Temporal's history.
 *
 * @param unloadedModels models unloaded for idleness, as {@code provider/name}
 * @param failedStarts instances stuck starting that were recorded failed
 * @param deletedPartialFiles partial downloads deleted, as {@code host:path}
 * @param deletedAuditRows request audit rows past retention
 * @param deletedRecords the other records deleted past their retention, by kind (none in runs from
 *     before they were deleted)
 * @param problems what could not be done this time, e.g. a host that did not answer
 */
public record CleanupResult(
    List<String> unloadedModels,
    List<String> failedStarts,
    List<String> deletedPartialFiles,
    int deletedAuditRows,
    Map<RetainedRecords, Integer> deletedRecords,
    List<String> problems) {

  public CleanupResult {
    unloadedModels = List.copyOf(unloadedModels);
    failedStarts = List.copyOf(failedStarts);
    deletedPartialFiles = List.copyOf(deletedPartialFiles);
    deletedRecords = deletedRecords == null ? Map.of() : Map.copyOf(deletedRecords);
    problems = List.copyOf(problems);
  }
}
