package dev.modelyard.workflows.deployments;

import dev.modelyard.workflows.autoscaling.AutoscalerState;
import dev.modelyard.workflows.models.ModelRef;
import java.util.Objects;

/**
 * What a deployment run starts with. A continued run carries the desired count it had reached and
 * its autoscaler's state, so a new run picks up where the last one stopped.
 *
 * @param reconciliationsPerRun how many reconciliations one run makes before it continues as new,
 *     even if the server has not suggested it yet; zero or less takes {@link #DEFAULT_RUN_LENGTH}
 * @param autoscaler the autoscaler's policy and clocks; null (as in runs started before
 *     autoscaling) is {@link AutoscalerState#OFF}
 */
public record DeploymentInput(
    ModelRef model,
    int desiredInstances,
    ResourceRequirements resources,
    int reconciliationsPerRun,
    AutoscalerState autoscaler) {

  /** About a day and a half of one-minute re-checks, a few thousand events of history. */
  public static final int DEFAULT_RUN_LENGTH = 2_000;

  public DeploymentInput {
    Objects.requireNonNull(model, "model");
    resources = resources == null ? ResourceRequirements.DEFAULTS : resources;
    reconciliationsPerRun = reconciliationsPerRun > 0 ? reconciliationsPerRun : DEFAULT_RUN_LENGTH;
    autoscaler = autoscaler == null ? AutoscalerState.OFF : autoscaler;
  }

  public DeploymentInput(
      ModelRef model,
      int desiredInstances,
      ResourceRequirements resources,
      int reconciliationsPerRun) {
    this(model, desiredInstances, resources, reconciliationsPerRun, null);
  }

  /** A new deployment with no instances wanted yet: the first scale sets the count. */
  public static DeploymentInput of(ModelRef model) {
    return new DeploymentInput(model, 0, ResourceRequirements.DEFAULTS, DEFAULT_RUN_LENGTH);
  }

  DeploymentInput continued(int desired, AutoscalerState state) {
    return new DeploymentInput(model, desired, resources, reconciliationsPerRun, state);
  }
}
