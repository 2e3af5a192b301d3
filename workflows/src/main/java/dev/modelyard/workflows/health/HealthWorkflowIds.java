package dev.modelyard.workflows.health;

/**
 * The IDs of the health workflows, defined once. There is one health-check loop per deployment of
 * Modelyard, so its ID is fixed; a restart's ID is derived from the instance, so that two rounds
 * (or two loops) can never restart the same instance twice at once.
 */
public final class HealthWorkflowIds {

  /** The health-check loop of a deployment that has no name: the usual, single deployment. */
  public static final String HEALTH_CHECK = "health-check";

  private HealthWorkflowIds() {}

  /**
   * The loop of a named deployment ({@code health-check:{deployment}}), so that deployments (or
   * test classes) sharing one Temporal namespace each keep their own loop.
   */
  public static String healthCheck(String deployment) {
    if (deployment == null || deployment.isBlank()) {
      return HEALTH_CHECK;
    }
    if (!deployment.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
      throw new IllegalArgumentException(
          "a deployment name must be letters, digits, '.', '_' and '-', at most 63 characters, was '"
              + deployment
              + "'");
    }
    return HEALTH_CHECK + ":" + deployment;
  }

  public static String restart(String instanceId) {
    if (instanceId == null || instanceId.isBlank()) {
      throw new IllegalArgumentException("instanceId must not be blank");
    }
    return "restart:" + instanceId;
  }
}
