package dev.modelyard.workflows.maintenance;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Merges what every provider reports into the registry: Ollama's models and loaded models, the GGUF
 * files in each host's model store, and a TGI server when one is configured. Runs as a cron
 * workflow ({@link MaintenanceWorkflowIds#discovery}) and on demand.
 */
@WorkflowInterface
public interface DiscoveryWorkflow {

  @WorkflowMethod
  DiscoveryResult discover(DiscoveryRequest request);

  /** What it is doing now, for the tasks API. */
  @QueryMethod
  String phase();
}
