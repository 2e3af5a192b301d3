package dev.modelyard.workflows.deployments;

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
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Workflow;
import java.util.List;

public class LoadModelWorkflowImpl implements LoadModelWorkflow {

  /** Loads that reserve memory through the placement ledger before they start an instance. */
  static final String PLACEMENT_CHANGE = "placement-reservation";

  /**
   * Loads and deployments that mark their instance ready only while it is still starting: before,
   * an unload that ran during the start saw the instance it had stopped come back as ready.
   */
  static final String READY_IF_STARTING_CHANGE = "ready-if-starting";

  private final ModelRegistryActivities models =
      Workflow.newActivityStub(ModelRegistryActivities.class, RegistryOptions.DEFAULT);
  private final InstanceRegistryActivities instances =
      Workflow.newActivityStub(InstanceRegistryActivities.class, RegistryOptions.DEFAULT);
  private final PlacementActivities placement =
      Workflow.newActivityStub(PlacementActivities.class, PlacementOptions.RESERVE);
  private final PlacementActivities releases =
      Workflow.newActivityStub(PlacementActivities.class, PlacementOptions.RELEASE);

  private String phase = "starting";

  @Override
  public LoadModelResult load(LoadModelRequest request) {
    phase = "finding model";
    RegisteredModel model = models.findModel(request.model());

    InstanceView serving = instances.findReadyInstance(model.modelId());
    if (serving != null) {
      phase = "done";
      return new LoadModelResult(
          serving.instanceId(), serving.endpoint(), serving.hostId(), true, null);
    }

    if (!model.startable()) {
      phase = "failed";
      throw ApplicationFailure.newNonRetryableFailure(model.whyNotStartable(), NOT_STARTABLE);
    }
    String instanceId = Workflow.randomUUID().toString();
    if (Workflow.getVersion(PLACEMENT_CHANGE, Workflow.DEFAULT_VERSION, 1)
        == Workflow.DEFAULT_VERSION) {
      return startUnplaced(request, model, instanceId);
    }

    phase = "placing";
    Placed placed = reserve(request, model, instanceId);
    // The instance runs on the GPUs its memory is reserved on; recorded with it, so that a restart
    // starts it there again. Only activity inputs change, not commands: no version is needed.
    ResourceRequirements resources = request.resources().onGpus(placed.gpuDeviceIds());
    try {
      // Recorded before the start so that an instance is never running without a registry row.
      instances.recordStarting(
          new NewInstance(instanceId, model.modelId(), model.hostId(), resources));
      phase = "starting instance";
      StartedInstance started =
          starting(model, instanceId)
              .startInstance(
                  new StartInstance(
                      instanceId,
                      model.modelId(),
                      model.location(),
                      resources,
                      null,
                      model.model().provider()));
      if (!markReady(instances, started)) {
        phase = "failed";
        // Stopped by an unload while it started, which recorded it: what the start left running
        // goes too.
        stopAndRelease(instanceId, model.hostId(), null);
        throw ApplicationFailure.newNonRetryableFailure(
            "the instance of " + model.model().name() + " was stopped (an unload) while it started",
            STOPPED_WHILE_STARTING);
      }
      phase = "done";
      return new LoadModelResult(
          instanceId, started.endpoint(), model.hostId(), false, started.containerId());
    } catch (ActivityFailure | CanceledFailure failure) {
      phase = "failed";
      stopAndRelease(instanceId, model.hostId(), Failures.rootMessage(failure));
      throw failure;
    }
  }

  private void stopAndRelease(String instanceId, String hostId, String failure) {
    stopAndRelease(instances, releases, instanceId, hostId, failure);
  }

  /**
   * Stops what a start left running, records {@code failure} on it (unless null), then frees its
   * memory (unless {@code releases} is null: a start that reserved none). Detached, so that even a
   * cancelled load or deployment does; the reservation goes last: released earlier, another start
   * could be placed on memory that this instance still holds.
   */
  static void stopAndRelease(
      InstanceRegistryActivities instances,
      PlacementActivities releases,
      String instanceId,
      String hostId,
      String failure) {
    Workflow.newDetachedCancellationScope(
            () -> {
              try {
                HostActivityStubs.stopping(instanceId, hostId).stopInstance(instanceId);
              } catch (ActivityFailure stopFailure) {
                // The host is gone, and the instance with it; the registry still learns it failed.
              }
              if (failure != null) {
                instances.recordFailed(instanceId, failure);
              }
              if (releases != null) {
                releases.release(instanceId);
              }
            })
        .run();
  }

  /**
   * Marks a started instance ready unless it was stopped meanwhile; versioned, since runs started
   * before the change marked it ready whatever its state.
   */
  static boolean markReady(InstanceRegistryActivities instances, StartedInstance started) {
    if (Workflow.getVersion(READY_IF_STARTING_CHANGE, Workflow.DEFAULT_VERSION, 1)
        == Workflow.DEFAULT_VERSION) {
      instances.recordReady(started);
      return true;
    }
    return instances.recordReadyIfStarting(started);
  }

  /**
   * Reserves memory for the instance on the model's host (its files are there). A refusal fails the
   * load before anything was recorded or started.
   */
  private Placed reserve(LoadModelRequest request, RegisteredModel model, String instanceId) {
    ResourceRequirements resources = request.resources();
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

  /** Loads started before placement, kept as they were so that their histories still replay. */
  private LoadModelResult startUnplaced(
      LoadModelRequest request, RegisteredModel model, String instanceId) {
    // Recorded before the start so that an instance is never running without a registry row.
    instances.recordStarting(
        new NewInstance(instanceId, model.modelId(), model.hostId(), request.resources()));
    phase = "starting instance";
    try {
      StartedInstance started =
          starting(model, instanceId)
              .startInstance(
                  new StartInstance(
                      instanceId, model.modelId(), model.location(), request.resources()));
      instances.recordReady(started);
      phase = "done";
      return new LoadModelResult(
          instanceId, started.endpoint(), model.hostId(), false, started.containerId());
    } catch (ActivityFailure failure) {
      phase = "failed";
      // Compensate in a detached scope so that even a cancelled load cleans up.
      Workflow.newDetachedCancellationScope(
              () -> {
                HostActivityStubs.stopping(instanceId, model.hostId()).stopInstance(instanceId);
                instances.recordFailed(instanceId, Failures.rootMessage(failure));
              })
          .run();
      throw failure;
    }
  }

  private static InstanceHostActivities starting(RegisteredModel model, String instanceId) {
    return HostActivityStubs.starting(
        model.model().name() + " (instance " + HostActivityStubs.shortId(instanceId) + ")",
        model.hostId());
  }

  @Override
  public String phase() {
    return phase;
  }
}
