package dev.modelyard.workflows.maintenance;

/**
 * An instance that is starting, ready or unhealthy, with what cleanup decides on.
 *
 * @param lastUsedAtMillis when it last served a request, or when it started if it never did
 * @param updatedAtMillis when its state last changed
 */
public record ActiveInstance(
    String instanceId,
    String provider,
    String modelName,
    String hostId,
    String state,
    long lastUsedAtMillis,
    long updatedAtMillis) {

  /** Whether a load or restart is bringing it up (not a bean property: it travels as data). */
  boolean starting() {
    return "starting".equals(state);
  }
}
