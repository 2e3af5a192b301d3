package dev.modelyard.workflows.deployments;

import dev.modelyard.workflows.models.ModelRegistryActivities;
import dev.modelyard.workflows.models.RegisteredModel;
import dev.modelyard.workflows.models.RegistryOptions;
import dev.modelyard.workflows.placement.PlacementActivities;
import dev.modelyard.workflows.placement.PlacementOptions;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;

public class UnloadModelWorkflowImpl implements UnloadModelWorkflow {

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
    for (InstanceView instance : instances.findActiveInstances(model.modelId())) {
      phase = "stopping " + instance.instanceId();
      // Marked first, so that the gateway stops routing to it before it goes away.
      instances.recordStopping(instance.instanceId());
      HostActivityStubs.stopping(instance.instanceId(), instance.hostId())
          .stopInstance(instance.instanceId());
      instances.recordStopped(instance.instanceId());
      // Only once it is stopped: its memory is in use until then.
      if (Workflow.getVersion(LoadModelWorkflowImpl.PLACEMENT_CHANGE, Workflow.DEFAULT_VERSION, 1)
          >= 1) {
        placement.release(instance.instanceId());
      }
      stopped.add(instance.instanceId());
    }
    phase = "done";
    return new UnloadModelResult(stopped);
  }

  @Override
  public String phase() {
    return phase;
  }
}
