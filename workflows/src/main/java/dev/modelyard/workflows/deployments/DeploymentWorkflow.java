package dev.modelyard.workflows.deployments;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Keeps one model at its desired number of instances for as long as the model is deployed: starts
 * or stops instances until the registry matches, then waits for the next scale or the next periodic
 * re-check (which replaces instances that died or were marked failed). One per model, so it runs
 * until cancelled and continues as new before its history grows large.
 *
 * <p>With an autoscaling policy it also reads the model's load on a timer and sets the count itself
 * ({@link dev.modelyard.workflows.autoscaling.Autoscaler} has the rules), and a request that finds
 * a model scaled to zero wakes it with {@link #wake()}.
 */
@WorkflowInterface
public interface DeploymentWorkflow {

  /**
   * The most instances one model may have. A constant rather than an input field so that the API
   * can reject larger counts with Bean Validation before a request reaches Temporal.
   */
  int MAX_INSTANCES = 16;

  @WorkflowMethod
  void run(DeploymentInput input);

  /** Sets the desired count and returns it; reconciliation toward it happens afterwards. */
  @UpdateMethod
  ScaleAccepted scale(ScaleRequest request);

  /** Rejects counts outside 0..{@link #MAX_INSTANCES} before they are written to history. */
  @UpdateValidatorMethod(updateName = "scale")
  void validateScale(ScaleRequest request);

  /**
   * Sets the autoscaling policy (or turns it off) and returns the count held now. Autoscaling then
   * continues on its own timer.
   */
  @UpdateMethod
  AutoscalingAccepted autoscale(AutoscalingRequest request);

  /** Rejects a policy whose maximum is above {@link #MAX_INSTANCES}. */
  @UpdateValidatorMethod(updateName = "autoscale")
  void validateAutoscale(AutoscalingRequest request);

  /**
   * A request found no instance of this autoscaled model: a deployment scaled to zero goes to its
   * first replica. Returns the desired count, which a caller then waits to see served.
   */
  @UpdateMethod
  ScaleAccepted wake();

  /** Rejects a wake of a deployment without autoscaling: what it holds was set by hand. */
  @UpdateValidatorMethod(updateName = "wake")
  void validateWake();

  @QueryMethod
  DeploymentState state();

  /** What it is doing now, for the tasks API, which asks every lifecycle workflow this. */
  @QueryMethod
  String phase();
}
