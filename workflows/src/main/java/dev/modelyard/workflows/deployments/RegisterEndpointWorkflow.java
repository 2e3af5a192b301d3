package dev.modelyard.workflows.deployments;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** Registers an external OpenAI-compatible server as a model with one ready instance. */
@WorkflowInterface
public interface RegisterEndpointWorkflow {

  /** Instances of servers Modelyard does not run live on no host of ours. */
  String EXTERNAL_HOST = "external";

  @WorkflowMethod
  LoadModelResult register(RegisterEndpointRequest request);
}
