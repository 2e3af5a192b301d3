package dev.modelyard.infra.runtime;

import java.util.List;

/**
 * What a reconciliation did, by instance ID.
 *
 * @param adopted running containers taken over, served again at their endpoints
 * @param removed containers removed: unknown to the registry, not running, or by policy
 */
public record ReconcileReport(List<String> adopted, List<String> removed) {

  public ReconcileReport {
    adopted = List.copyOf(adopted);
    removed = List.copyOf(removed);
  }
}
