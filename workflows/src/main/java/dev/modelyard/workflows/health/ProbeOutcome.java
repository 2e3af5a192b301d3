package dev.modelyard.workflows.health;

/** What one probe of an instance found. */
public enum ProbeOutcome {
  /** It answered its liveness check and generated a token. */
  ANSWERED,
  /**
   * It answered its liveness check but did not finish the one-token generation in time (or said it
   * is overloaded): requests are queued. Alive, so never a reason to restart; only slower.
   */
  BUSY,
  /** Connection refused, a 5xx, no answer at all: the instance is not serving. */
  FAILED
}
