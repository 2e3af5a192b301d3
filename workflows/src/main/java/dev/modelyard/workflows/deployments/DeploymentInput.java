package dev.modelyard.workflows.deployments;

import dev.modelyard.workflows.models.ModelRef;
import java.util.Objects;

/**
 * What a deployment run starts with. A continued run carries the desired count it had reached, so a
 * new run picks up where the last one stopped.
 *
 * @param reconciliationsPerRun how many reconciliations one run makes before it continues as new,
 *     even if the server has not suggested it yet; zero or less takes {@link #DEFAULT_RUN_LENGTH}
 */
public record DeploymentInput(
    ModelRef model,
    int desiredInstances,
    ResourceRequirements resources,
    int reconciliationsPerRun) {

  /** About a day and a half of one-minute re-checks, a few thousand events of history. */
  public static final int DEFAULT_RUN_LENGTH = 2_000;

  public DeploymentInput {
    Objects.requireNonNull(model, "model");
    resources = resources == null ? ResourceRequirements.DEFAULTS : resources;
    reconciliationsPerRun = reconciliationsPerRun > 0 ? reconciliationsPerRun : DEFAULT_RUN_LENGTH;
  }

  /** A new deployment with no instances wanted yet: the first scale sets the count. */
  public static DeploymentInput of(ModelRef model) {
    return new DeploymentInput(model, 0, ResourceRequirements.DEFAULTS, DEFAULT_RUN_LENGTH);
  }

  DeploymentInput withDesiredInstances(int desired) {
    return new DeploymentInput(model, desired, resources, reconciliationsPerRun);
  }
}
