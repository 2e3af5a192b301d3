package dev.modelyard.workflows.deployments;

import dev.modelyard.workflows.models.ModelRegistryActivities;
import dev.modelyard.workflows.models.RegisteredModel;
import dev.modelyard.workflows.models.RegistryOptions;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;

public class UnloadModelWorkflowImpl implements UnloadModelWorkflow {

  private final ModelRegistryActivities models =
      Workflow.newActivityStub(ModelRegistryActivities.class, RegistryOptions.DEFAULT);
  private final InstanceRegistryActivities instances =
      Workflow.newActivityStub(InstanceRegistryActivities.class, RegistryOptions.DEFAULT);

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
      HostActivityStubs.instances(instance.hostId()).stopInstance(instance.instanceId());
      instances.recordStopped(instance.instanceId());
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
