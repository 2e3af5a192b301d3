package dev.modelyard.workflows.maintenance;

/**
 * Starts a discovery.
 *
 * @param trigger who asked: {@code cron} or {@code api}; shown in the history, changes nothing
 */
public record DiscoveryRequest(String trigger) {

  public static DiscoveryRequest cron() {
    return new DiscoveryRequest("cron");
  }
}
