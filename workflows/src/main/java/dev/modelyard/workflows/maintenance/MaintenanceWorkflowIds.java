package dev.modelyard.workflows.maintenance;

/**
 * The IDs of the maintenance workflows. Discovery and cleanup are cron workflows, one each per
 * deployment, so their IDs are fixed; an on-demand discovery gets an ID of its own so that it never
 * collides with the cron run.
 */
public final class MaintenanceWorkflowIds {

  public static final String DISCOVERY = "discovery";
  public static final String CLEANUP = "cleanup";

  private MaintenanceWorkflowIds() {}

  /** The discovery cron of a deployment; {@code discovery} when the deployment has no name. */
  public static String discovery(String deployment) {
    return named(DISCOVERY, deployment);
  }

  /** The cleanup cron of a deployment; {@code cleanup} when the deployment has no name. */
  public static String cleanup(String deployment) {
    return named(CLEANUP, deployment);
  }

  /** A one-off discovery asked for through the API: {@code discover:{requestId}}. */
  public static String discoverNow(String requestId) {
    if (requestId == null || !requestId.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new IllegalArgumentException("not a request id: '" + requestId + "'");
    }
    return "discover:" + requestId;
  }

  private static String named(String base, String deployment) {
    if (deployment == null || deployment.isBlank()) {
      return base;
    }
    if (!deployment.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
      throw new IllegalArgumentException(
          "a deployment name must be letters, digits, '.', '_' and '-', at most 63 characters, was '"
              + deployment
              + "'");
    }
    return base + ":" + deployment;
  }
}
