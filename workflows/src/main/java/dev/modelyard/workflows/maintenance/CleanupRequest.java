package dev.modelyard.workflows.maintenance;

/** Starts a cleanup; a cron workflow hands every run the same request. */
public record CleanupRequest(CleanupPolicy policy) {

  public CleanupRequest {
    policy = policy != null ? policy : CleanupPolicy.DEFAULTS;
  }
}
