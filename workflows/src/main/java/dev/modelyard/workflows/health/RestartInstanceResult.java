package dev.modelyard.workflows.health;

/**
 * How a restart ended: {@code RESTARTED} (ready at {@code endpoint}), {@code FAILED} (gave up and
 * marked it failed), or {@code NOT_NEEDED} (stopped or failed meanwhile; nothing was done).
 */
public record RestartInstanceResult(
    String instanceId, Outcome outcome, int attempts, String endpoint, String lastError) {

  public enum Outcome {
    RESTARTED,
    FAILED,
    NOT_NEEDED
  }
}
