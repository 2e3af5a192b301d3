package dev.modelyard.workflows.deployments;

import dev.modelyard.workflows.autoscaling.AutoscalingPolicy;
import dev.modelyard.workflows.autoscaling.DeploymentAutoscaler;
import dev.modelyard.workflows.autoscaling.LoadSummary;
import dev.modelyard.workflows.autoscaling.ScalingDecision;
import dev.modelyard.workflows.models.ModelRegistryActivities;
import dev.modelyard.workflows.models.RegisteredModel;
import dev.modelyard.workflows.models.RegistryOptions;
import dev.modelyard.workflows.placement.EstimateRequest;
import dev.modelyard.workflows.placement.MemoryEstimate;
import dev.modelyard.workflows.placement.PlacementActivities;
import dev.modelyard.workflows.placement.PlacementDecision.Placed;
import dev.modelyard.workflows.placement.PlacementOptions;
import dev.modelyard.workflows.placement.PlacementRequest;
import dev.modelyard.workflows.placement.ReserveRequest;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

public class DeploymentWorkflowImpl implements DeploymentWorkflow {

  /** How often the registry is re-read for instances that died or were marked failed. */
  static final Duration RECHECK_INTERVAL = Duration.ofMinutes(1);

  private final ModelRegistryActivities models =
      Workflow.newActivityStub(ModelRegistryActivities.class, RegistryOptions.UNTIL_ANSWERED);
  private final InstanceRegistryActivities instances =
      Workflow.newActivityStub(InstanceRegistryActivities.class, RegistryOptions.UNTIL_ANSWERED);
  private final PlacementActivities placement =
      Workflow.newActivityStub(PlacementActivities.class, PlacementOptions.RESERVE);
  private final PlacementActivities releases =
      Workflow.newActivityStub(PlacementActivities.class, PlacementOptions.RELEASE);
  private final DeploymentAutoscaler autoscaler;

  private int desired;

  /**
   * Bumped by every accepted scale, wake, policy and autoscaling change, so that a change to the
   * same count still wakes the loop.
   */
  private long changes;

  /** Whether replicas reserve memory in the placement ledger (not in runs started before it). */
  private boolean placed;

  private String phase = "starting";
  private List<String> instanceIds = List.of();
  private String lastFailure;

  // Set here rather than in run(): update-with-start may run an update handler before run() starts.
  @WorkflowInit
  public DeploymentWorkflowImpl(DeploymentInput input) {
    this.desired = input.desiredInstances();
    this.autoscaler = new DeploymentAutoscaler(input.model(), input.autoscaler());
  }

  /** Deployments that stop their instances when cancelled; before, they were left running. */
  static final String CANCEL_STOPS_CHANGE = "cancel-stops-instances";

  /**
   * Deployments that stop their instances also when cancelled during an activity (a stop, a
   * registry read); before, only a cancellation while the loop waited did.
   */
  static final String CANCEL_DURING_ACTIVITY_CHANGE = "cancel-during-activity-stops-instances";

  private boolean cancelDuringActivityStops;

  /**
   * Deployments that neither count nor stop instances on host {@code external}: a model Ollama
   * itself has loaded (which discovery records) or a server registered by URL runs nowhere of ours.
   * Before, such an instance counted as a replica, so fewer of the deployment's own ran, and a
   * scale-down sent its stop to a host queue that no worker polls.
   */
  static final String EXTERNAL_NOT_REPLICAS_CHANGE = "external-instances-are-not-replicas";

  private boolean externalsAreReplicas;

  /**
   * Deployments that stop their instances when cancelled as a run ends; before, a cancellation
   * taken in by the run's last reconciliation was lost, or ended the run with its instances
   * running.
   */
  static final String CANCEL_BEFORE_CONTINUING_CHANGE = "cancel-checked-before-continuing";

  /** The instance a stop is under way for: it is no longer active, but may still run. */
  private InstanceView beingStopped;

  @Override
  public void run(DeploymentInput input) {
    cancelDuringActivityStops =
        Workflow.getVersion(CANCEL_DURING_ACTIVITY_CHANGE, Workflow.DEFAULT_VERSION, 1) >= 1;
    externalsAreReplicas =
        Workflow.getVersion(EXTERNAL_NOT_REPLICAS_CHANGE, Workflow.DEFAULT_VERSION, 1)
            == Workflow.DEFAULT_VERSION;
    phase = "finding model";
    RegisteredModel model = models.findModel(input.model());
    placed =
        Workflow.getVersion(LoadModelWorkflowImpl.PLACEMENT_CHANGE, Workflow.DEFAULT_VERSION, 1)
            >= 1;
    try {
      for (int reconciliations = 1; ; reconciliations++) {
        long seenChanges = changes;
        autoscaler.flush();
        reconcile(model, input.resources());
        if (reconciliations >= input.reconciliationsPerRun()
            || Workflow.getInfo().isContinueAsNewSuggested()) {
          break;
        }
        awaitNextChange(seenChanges);
      }
      if (Workflow.getVersion(CANCEL_BEFORE_CONTINUING_CHANGE, Workflow.DEFAULT_VERSION, 1) >= 1) {
        // A cancellation the run's last reconciliation took in (a reservation cancelled, the
        // replica given up) would otherwise be carried into a new run that knows nothing of it.
        phase = "continuing as new";
        CancellationScope.throwCanceled();
        Workflow.await(Workflow::isEveryHandlerFinished);
      }
    } catch (CanceledFailure cancelled) {
      if (Workflow.getVersion(CANCEL_STOPS_CHANGE, Workflow.DEFAULT_VERSION, 1) >= 1) {
        // Cancelled (DELETE /tasks/{id}): nothing it kept up is left running without an owner.
        stopEverything(model);
      }
      throw cancelled;
    } catch (ActivityFailure failure) {
      // A cancellation that arrives during an activity surfaces as that activity's failure.
      if (!cancelDuringActivityStops || !CancellationScope.current().isCancelRequested()) {
        throw failure;
      }
      stopEverything(model);
      throw new CanceledFailure("cancelled while " + phase);
    }
    phase = "continuing as new";
    // An update accepted in this run must complete here; its effect then travels in the new input.
    Workflow.await(Workflow::isEveryHandlerFinished);
    autoscaler.flush();
    Workflow.continueAsNew(input.continued(desired, autoscaler.carry()));
  }

  /**
   * Waits for an update, the periodic re-check, or an autoscaling decision that changes the count.
   * Without a policy this is one timer, exactly as before autoscaling existed.
   */
  private void awaitNextChange(long seenChanges) {
    phase = "waiting";
    if (!autoscaler.enabled()) {
      Workflow.await(RECHECK_INTERVAL, () -> changes != seenChanges);
      return;
    }
    long recheckAt = Workflow.currentTimeMillis() + RECHECK_INTERVAL.toMillis();
    if (Workflow.getVersion(RECHECK_WHILE_AUTOSCALED_CHANGE, Workflow.DEFAULT_VERSION, 1)
        == Workflow.DEFAULT_VERSION) {
      while (changes == seenChanges
          && autoscaler.enabled()
          && Workflow.currentTimeMillis() < recheckAt) {
        if (!Workflow.await(autoscaler.evaluationInterval(), () -> changes != seenChanges)) {
          evaluate();
          phase = "waiting";
        }
      }
      return;
    }
    while (changes == seenChanges
        && autoscaler.enabled()
        && Workflow.currentTimeMillis() < recheckAt) {
      long now = Workflow.currentTimeMillis();
      long evaluationAt = autoscaler.nextEvaluationAt(now);
      if (now < evaluationAt) {
        Duration untilDue = Duration.ofMillis(Math.min(recheckAt, evaluationAt) - now);
        if (Workflow.await(untilDue, () -> changes != seenChanges)
            || Workflow.currentTimeMillis() < evaluationAt) {
          continue;
        }
      }
      evaluate();
      if (autoscaler.enabled()) {
        autoscaler.evaluated(Workflow.currentTimeMillis());
      }
      phase = "waiting";
    }
  }

  /**
   * Deployments whose wait for the next evaluation ends at the minute's re-check. Before, a wait
   * lasted the whole evaluation interval (up to 30 days), and a replica that died meanwhile was
   * replaced only after it.
   */
  static final String RECHECK_WHILE_AUTOSCALED_CHANGE = "recheck-while-autoscaled";

  /** Reads the load and applies the autoscaler's decision; a hold changes nothing. */
  private void evaluate() {
    phase = "evaluating load";
    LoadSummary load = autoscaler.readLoad(desired);
    // The policy may have been turned off, or the count set, while the load was read.
    if (load == null || !autoscaler.enabled()) {
      return;
    }
    ScalingDecision decision = autoscaler.decide(desired, load);
    if (decision.changes()) {
      desired = decision.toReplicas();
      changes++;
    }
  }

  @Override
  public ScaleAccepted scale(ScaleRequest request) {
    int from = desired;
    desired = request.desiredInstances();
    autoscaler.scaledByRequest(from, desired);
    changes++;
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
    // Zero turns autoscaling off (an unload sends it); any other count outside the policy would
    // be undone at once by the autoscaler.
    AutoscalingPolicy policy = autoscaler.policy();
    int count = request.desiredInstances();
    if (policy != null && count != 0 && policy.clamp(count) != count) {
      throw new IllegalArgumentException(
          "desired_instances must be between %d and %d while the deployment is autoscaled, was %d;"
                  .formatted(policy.minReplicas(), policy.maxReplicas(), count)
              + " change the policy, or turn autoscaling off first");
    }
  }

  @Override
  public AutoscalingAccepted autoscale(AutoscalingRequest request) {
    desired = autoscaler.setPolicy(request.policy(), desired);
    changes++;
    return new AutoscalingAccepted(autoscaler.policy(), desired);
  }

  @Override
  public void validateAutoscale(AutoscalingRequest request) {
    if (request == null) {
      throw new IllegalArgumentException("an autoscaling request needs a body");
    }
    if (request.policy() != null && request.policy().maxReplicas() > MAX_INSTANCES) {
      throw new IllegalArgumentException(
          "max_replicas must be at most "
              + MAX_INSTANCES
              + ", was "
              + request.policy().maxReplicas());
    }
  }

  @Override
  public ScaleAccepted wake() {
    int woken = autoscaler.wake(desired);
    if (woken != desired) {
      desired = woken;
      changes++;
    } else if (lastFailure == null
        && Workflow.getVersion(WAKE_RECHECKS_CHANGE, Workflow.DEFAULT_VERSION, 1) >= 1) {
      // A request found no instance although the count is above zero: the replica may have died
      // since the last re-check, so reconcile now rather than up to a minute later. Not after a
      // failed start: that one waits for the re-check, however many requests arrive.
      changes++;
    }
    return new ScaleAccepted(desired);
  }

  /** Wakes of a deployment above zero that reconcile at once; before, they changed nothing. */
  static final String WAKE_RECHECKS_CHANGE = "wake-rechecks";

  @Override
  public void validateWake() {
    if (!autoscaler.enabled()) {
      throw new IllegalStateException(
          "this deployment is not autoscaled: its count is set by scale requests only");
    }
  }

  @Override
  public DeploymentState state() {
    return new DeploymentState(
        desired,
        phase,
        instanceIds,
        lastFailure,
        autoscaler.policy(),
        autoscaler.lastEvaluation(),
        autoscaler.recentDecisions());
  }

  @Override
  public String phase() {
    return phase;
  }

  /**
   * Brings the registry's active instances to the desired count. The count is re-read before each
   * step, so a scale that arrives half-way changes the target at once.
   */
  private void reconcile(RegisteredModel model, ResourceRequirements resources) {
    phase = "reconciling";
    List<InstanceView> active = replicas(instances.findActiveInstances(model.modelId()));
    instanceIds = ids(active);
    while (active.size() < desired) {
      InstanceView started = startOne(model, resources, active.size() + 1);
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

  /**
   * Starts one instance as a load does: memory reserved first, then recorded, then started; returns
   * null when it failed (a refused placement included) and was cleaned up.
   */
  private InstanceView startOne(RegisteredModel model, ResourceRequirements resources, int number) {
    if (!model.startable()) {
      lastFailure = model.whyNotStartable();
      return null;
    }
    String instanceId = Workflow.randomUUID().toString();
    ResourceRequirements onDevices = resources;
    if (placed) {
      phase = "placing " + instanceId;
      try {
        // On the GPUs its memory is reserved on, as a load does (activity inputs only).
        onDevices = resources.onGpus(reserve(model, instanceId, resources).gpuDeviceIds());
      } catch (ActivityFailure failure) {
        // Nothing was recorded or started; the next re-check asks the ledger again.
        lastFailure = Failures.rootMessage(failure);
        return null;
      }
    }
    phase = "starting " + instanceId;
    try {
      String deployment = Workflow.getInfo().getWorkflowId();
      // Recorded before the start so that an instance is never running without a registry row, and
      // with its deployment so that a restart labels it as this start does.
      instances.recordStarting(
          new NewInstance(instanceId, model.modelId(), model.hostId(), onDevices, deployment));
      StartedInstance started =
          HostActivityStubs.starting(
                  "instance " + number + " of " + model.model().name(), model.hostId())
              .startInstance(
                  new StartInstance(
                      instanceId,
                      model.modelId(),
                      model.location(),
                      onDevices,
                      deployment,
                      model.model().provider()));
      if (!LoadModelWorkflowImpl.markReady(instances, started)) {
        // Stopped (an unload) while it started: what the start left running goes too.
        lastFailure = "instance " + number + " was stopped while it started";
        stopAndRelease(instanceId, model.hostId(), null);
        return null;
      }
      lastFailure = null;
      return new InstanceView(instanceId, model.modelId(), model.hostId(), started.endpoint());
    } catch (ActivityFailure | CanceledFailure failure) {
      lastFailure = Failures.rootMessage(failure);
      stopAndRelease(instanceId, model.hostId(), lastFailure);
      if (failure instanceof CanceledFailure
          || (cancelDuringActivityStops && CancellationScope.current().isCancelRequested())) {
        // The deployment's cancellation, not the start's failure: it stops everything.
        throw failure;
      }
      return null;
    }
  }

  private void stopAndRelease(String instanceId, String hostId, String failure) {
    LoadModelWorkflowImpl.stopAndRelease(
        instances, placed ? releases : null, instanceId, hostId, failure);
  }

  /** Reserves memory for the instance on the model's host, as a load does. */
  private Placed reserve(RegisteredModel model, String instanceId, ResourceRequirements resources) {
    MemoryEstimate need =
        placement.estimate(
            new EstimateRequest(
                model.modelId(), resources.contextLength(), resources.parallelSlots()));
    try {
      return placement.reserve(
          new ReserveRequest(
              instanceId,
              new PlacementRequest(
                  need.totalBytes(), List.of(model.hostId()), resources.gpuDeviceIds())));
    } catch (TemporalFailure failure) {
      // A reservation cancelled or timed out may still have been made; releasing is idempotent.
      Workflow.newDetachedCancellationScope(() -> releases.release(instanceId)).run();
      throw failure;
    }
  }

  private void stopOne(InstanceView instance) {
    String instanceId = instance.instanceId();
    phase = "stopping " + instanceId;
    beingStopped = instance;
    // Marked first, so that the gateway stops routing to it before it goes away.
    instances.recordStopping(instanceId);
    try {
      HostActivityStubs.stopping(instanceId, instance.hostId()).stopInstance(instanceId);
      instances.recordStopped(instanceId);
    } catch (ActivityFailure failure) {
      if (cancelDuringActivityStops && CancellationScope.current().isCancelRequested()) {
        // Not the host's failure: the deployment's cancellation, which stops this one again.
        throw failure;
      }
      // Its host cannot be reached: record it failed so that it is neither counted nor routed to.
      instances.recordFailed(instanceId, Failures.rootMessage(failure));
    }
    beingStopped = null;
    // Only once it is stopped (or its host is gone): its memory is in use until then. A replica
    // started by a load or by a run before placement holds no reservation; releasing it is a no-op.
    if (placed) {
      releases.release(instanceId);
    }
  }

  /**
   * Stops every instance the deployment kept up, and the one a stop was under way for, even though
   * the deployment is being cancelled.
   */
  private void stopEverything(RegisteredModel model) {
    Workflow.newDetachedCancellationScope(
            () -> {
              List<InstanceView> left = replicas(instances.findActiveInstances(model.modelId()));
              InstanceView interrupted = beingStopped;
              if (cancelDuringActivityStops
                  && interrupted != null
                  && left.stream()
                      .noneMatch(i -> i.instanceId().equals(interrupted.instanceId()))) {
                left.add(interrupted);
              }
              left.forEach(this::stopOne);
            })
        .run();
  }

  /** The model's active instances that are this deployment's to count and stop. */
  private List<InstanceView> replicas(List<InstanceView> active) {
    List<InstanceView> replicas = new ArrayList<>(active);
    if (!externalsAreReplicas) {
      replicas.removeIf(i -> RegisterEndpointWorkflow.EXTERNAL_HOST.equals(i.hostId()));
    }
    return replicas;
  }

  private static List<String> ids(List<InstanceView> active) {
    return active.stream().map(InstanceView::instanceId).toList();
  }
}
