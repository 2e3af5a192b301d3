package dev.modelyard.workflows.deployments;

import dev.modelyard.workflows.models.ModelRegistryActivities;
import dev.modelyard.workflows.models.RegisteredModel;
import dev.modelyard.workflows.models.RegistryOptions;
import dev.modelyard.workflows.placement.PlacementActivities;
import dev.modelyard.workflows.placement.PlacementOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;

public class UnloadModelWorkflowImpl implements UnloadModelWorkflow {

  /**
   * Unloads that record an instance failed when its host does not stop it, and go on with the
   * others; before, the first such failure ended the unload with the instance stuck in stopping,
   * holding its reservation for good. Instances registered by URL run nowhere of ours: nothing to
   * stop, they are only taken out of routing.
   */
  static final String STOP_FAILURES_CHANGE = "unload-survives-failed-stops";

  /**
   * Unloads that finish stopping the instance in hand when cancelled, and stop before the next: a
   * cancel halfway through one left it in stopping, where nothing looks again, holding its memory's
   * reservation for good. Their records wait out a database outage for the same reason.
   */
  static final String CANCEL_CHANGE = "stops-finish-when-cancelled";

  /** An unload that could not stop every instance; those it could not are recorded failed. */
  static final String STOPS_FAILED = "InstanceStopsFailed";

  private final ModelRegistryActivities models =
      Workflow.newActivityStub(ModelRegistryActivities.class, RegistryOptions.DEFAULT);
  private final InstanceRegistryActivities instances =
      Workflow.newActivityStub(InstanceRegistryActivities.class, RegistryOptions.DEFAULT);
  private final InstanceRegistryActivities instancesUntilAnswered =
      Workflow.newActivityStub(InstanceRegistryActivities.class, RegistryOptions.UNTIL_ANSWERED);
  private final PlacementActivities placement =
      Workflow.newActivityStub(PlacementActivities.class, PlacementOptions.RELEASE);

  private String phase = "starting";

  @Override
  public UnloadModelResult unload(UnloadModelRequest request) {
    phase = "finding instances";
    RegisteredModel model = models.findModel(request.model());
    List<String> stopped = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    for (InstanceView instance : instances.findActiveInstances(model.modelId())) {
      if (!request.includes(instance.instanceId())) {
        continue;
      }
      if (Workflow.getVersion(CANCEL_CHANGE, Workflow.DEFAULT_VERSION, 1)
          == Workflow.DEFAULT_VERSION) {
        stopOne(instance, instances, stopped, failed);
        continue;
      }
      if (CancellationScope.current().isCancelRequested()) {
        throw new CanceledFailure(
            "unload cancelled after stopping " + stopped + "; the other instances run on");
      }
      // Once begun, an instance's stop runs to its end whatever the unload is told meanwhile.
      Workflow.newDetachedCancellationScope(
              () -> stopOne(instance, instancesUntilAnswered, stopped, failed))
          .run();
    }
    if (!failed.isEmpty()) {
      phase = "failed";
      throw ApplicationFailure.newNonRetryableFailure(
          "stopped "
              + stopped.size()
              + " instance(s); the host of "
              + failed
              + " did not stop it, so it is recorded failed and its memory released",
          STOPS_FAILED);
    }
    phase = "done";
    return new UnloadModelResult(stopped);
  }

  /** Stops one instance, adding it to {@code stopped}, or to {@code failed} if its host did not. */
  private void stopOne(
      InstanceView instance,
      InstanceRegistryActivities records,
      List<String> stopped,
      List<String> failed) {
    phase = "stopping " + instance.instanceId();
    // Marked first, so that the gateway stops routing to it before it goes away.
    instances.recordStopping(instance.instanceId());
    if (Workflow.getVersion(STOP_FAILURES_CHANGE, Workflow.DEFAULT_VERSION, 1)
        == Workflow.DEFAULT_VERSION) {
      HostActivityStubs.stopping(instance.instanceId(), instance.hostId())
          .stopInstance(instance.instanceId());
    } else if (!stop(instance, records)) {
      failed.add(instance.instanceId());
      return;
    }
    records.recordStopped(instance.instanceId());
    // Only once it is stopped: its memory is in use until then.
    if (Workflow.getVersion(LoadModelWorkflowImpl.PLACEMENT_CHANGE, Workflow.DEFAULT_VERSION, 1)
        >= 1) {
      placement.release(instance.instanceId());
    }
    stopped.add(instance.instanceId());
  }

  /**
   * Stops the instance on its host; false, with the instance recorded failed and its memory
   * released, when the host did not (it is down, or gone: its instances with it).
   */
  private boolean stop(InstanceView instance, InstanceRegistryActivities records) {
    ActivityFailure failure =
        HostActivityStubs.stopOnItsHost(instance.instanceId(), instance.hostId());
    if (failure == null) {
      return true;
    }
    records.recordFailed(instance.instanceId(), "not stopped: " + Failures.rootMessage(failure));
    placement.release(instance.instanceId());
    return false;
  }

  @Override
  public String phase() {
    return phase;
  }
}
