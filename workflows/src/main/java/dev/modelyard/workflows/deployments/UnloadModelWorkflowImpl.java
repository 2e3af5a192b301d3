package dev.modelyard.workflows.deployments;

import dev.modelyard.workflows.models.ModelRegistryActivities;
import dev.modelyard.workflows.models.RegisteredModel;
import dev.modelyard.workflows.models.RegistryOptions;
import dev.modelyard.workflows.placement.PlacementActivities;
import dev.modelyard.workflows.placement.PlacementOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
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

  /** An unload that could not stop every instance; those it could not are recorded failed. */
  static final String STOPS_FAILED = "InstanceStopsFailed";

  private final ModelRegistryActivities models =
      Workflow.newActivityStub(ModelRegistryActivities.class, RegistryOptions.DEFAULT);
  private final InstanceRegistryActivities instances =
      Workflow.newActivityStub(InstanceRegistryActivities.class, RegistryOptions.DEFAULT);
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
      phase = "stopping " + instance.instanceId();
      // Marked first, so that the gateway stops routing to it before it goes away.
      instances.recordStopping(instance.instanceId());
      if (Workflow.getVersion(STOP_FAILURES_CHANGE, Workflow.DEFAULT_VERSION, 1)
          == Workflow.DEFAULT_VERSION) {
        HostActivityStubs.stopping(instance.instanceId(), instance.hostId())
            .stopInstance(instance.instanceId());
      } else if (!stop(instance)) {
        failed.add(instance.instanceId());
        continue;
      }
      instances.recordStopped(instance.instanceId());
      // Only once it is stopped: its memory is in use until then.
      if (Workflow.getVersion(LoadModelWorkflowImpl.PLACEMENT_CHANGE, Workflow.DEFAULT_VERSION, 1)
          >= 1) {
        placement.release(instance.instanceId());
      }
      stopped.add(instance.instanceId());
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

  /**
   * Stops the instance on its host; false, with the instance recorded failed and its memory
   * released, when the host did not (it is down, or gone: its instances with it).
   */
  private boolean stop(InstanceView instance) {
    ActivityFailure failure =
        HostActivityStubs.stopOnItsHost(instance.instanceId(), instance.hostId());
    if (failure == null) {
      return true;
    }
    instances.recordFailed(instance.instanceId(), "not stopped: " + Failures.rootMessage(failure));
    placement.release(instance.instanceId());
    return false;
  }

  @Override
  public String phase() {
    return phase;
  }
}
