package dev.modelyard.workflows.deployments;

import dev.modelyard.workflows.models.ModelRegistryActivities;
import dev.modelyard.workflows.models.RegisteredModel;
import dev.modelyard.workflows.models.RegistryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

public class DeploymentWorkflowImpl implements DeploymentWorkflow {

  /** How often the registry is re-read for instances that died or were marked failed. */
  static final Duration RECHECK_INTERVAL = Duration.ofMinutes(1);

  private final ModelRegistryActivities models =
      Workflow.newActivityStub(ModelRegistryActivities.class, RegistryOptions.DEFAULT);
  private final InstanceRegistryActivities instances =
      Workflow.newActivityStub(InstanceRegistryActivities.class, RegistryOptions.DEFAULT);

  private int desired;

  /** Bumped by every accepted scale, so that a scale to the same count still wakes the loop. */
  private long scales;

  private String phase = "starting";
  private List<String> instanceIds = List.of();
  private String lastFailure;

  // Set here rather than in run(): update-with-start may run the scale handler before run() starts.
  @WorkflowInit
  public DeploymentWorkflowImpl(DeploymentInput input) {
    this.desired = input.desiredInstances();
  }

  @Override
  public void run(DeploymentInput input) {
    phase = "finding model";
    RegisteredModel model = models.findModel(input.model());
    InstanceHostActivities host = HostActivityStubs.instances(model.hostId());
    for (int reconciliations = 1; ; reconciliations++) {
      long seenScales = scales;
      reconcile(model, host, input.resources());
      if (reconciliations >= input.reconciliationsPerRun()
          || Workflow.getInfo().isContinueAsNewSuggested()) {
        break;
      }
      phase = "waiting";
      Workflow.await(RECHECK_INTERVAL, () -> scales != seenScales);
    }
    phase = "continuing as new";
    // A scale accepted in this run must complete here; its count then travels in the new input.
    Workflow.await(Workflow::isEveryHandlerFinished);
    Workflow.continueAsNew(input.withDesiredInstances(desired));
  }

  @Override
  public ScaleAccepted scale(ScaleRequest request) {
    desired = request.desiredInstances();
    scales++;
    return new ScaleAccepted(desired);
  }

  @Override
  public void validateScale(ScaleRequest request) {
    if (request == null
        || request.desiredInstances() < 0
        || request.desiredInstances() > MAX_INSTANCES) {
      throw new IllegalArgumentException(
          "desired_instances must be between 0 and "
              + MAX_INSTANCES
              + (request == null ? "" : ", was " + request.desiredInstances()));
    }
  }

  @Override
  public DeploymentState state() {
    return new DeploymentState(desired, phase, instanceIds, lastFailure);
  }

  @Override
  public String phase() {
    return phase;
  }

  /**
   * Brings the registry's active instances to the desired count. The count is re-read before each
   * step, so a scale that arrives half-way changes the target at once.
   */
  private void reconcile(
      RegisteredModel model, InstanceHostActivities host, ResourceRequirements resources) {
    phase = "reconciling";
    List<InstanceView> active = new ArrayList<>(instances.findActiveInstances(model.modelId()));
    instanceIds = ids(active);
    while (active.size() < desired) {
      InstanceView started = startOne(model, host, resources);
      if (started == null) {
        // Compensated; the next re-check tries again rather than hammering a failing host.
        break;
      }
      active.add(started);
      instanceIds = ids(active);
    }
    // The registry lists instances oldest first: the newest, least warmed-up ones go first.
    while (active.size() > desired) {
      stopOne(active.removeLast());
      instanceIds = ids(active);
    }
  }

  /** Starts one instance as a load does; returns null when it failed and was cleaned up. */
  private InstanceView startOne(
      RegisteredModel model, InstanceHostActivities host, ResourceRequirements resources) {
    String instanceId = Workflow.randomUUID().toString();
    phase = "starting " + instanceId;
    // Recorded before the start so that an instance is never running without a registry row.
    instances.recordStarting(
        new NewInstance(instanceId, model.modelId(), model.hostId(), resources));
    try {
      StartedInstance started =
          host.startInstance(
              new StartInstance(instanceId, model.modelId(), model.location(), resources));
      instances.recordReady(started);
      lastFailure = null;
      return new InstanceView(instanceId, model.modelId(), model.hostId(), started.endpoint());
    } catch (ActivityFailure | CanceledFailure failure) {
      lastFailure = Failures.rootMessage(failure);
      // Detached, so that even a cancelled deployment stops what it was starting.
      Workflow.newDetachedCancellationScope(
              () -> {
                try {
                  host.stopInstance(instanceId);
                } catch (ActivityFailure stopFailure) {
                  // The host is gone; so is the instance. The registry still learns it failed.
                }
                instances.recordFailed(instanceId, lastFailure);
              })
          .run();
      if (failure instanceof CanceledFailure) {
        throw failure;
      }
      return null;
    }
  }

  private void stopOne(InstanceView instance) {
    String instanceId = instance.instanceId();
    phase = "stopping " + instanceId;
    // Marked first, so that the gateway stops routing to it before it goes away.
    instances.recordStopping(instanceId);
    try {
      HostActivityStubs.instances(instance.hostId()).stopInstance(instanceId);
      instances.recordStopped(instanceId);
    } catch (ActivityFailure failure) {
      // Its host cannot be reached: record it failed so that it is neither counted nor routed to.
      instances.recordFailed(instanceId, Failures.rootMessage(failure));
    }
  }

  private static List<String> ids(List<InstanceView> active) {
    return active.stream().map(InstanceView::instanceId).toList();
  }
}
