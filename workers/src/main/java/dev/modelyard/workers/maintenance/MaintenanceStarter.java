package dev.modelyard.workers.maintenance;

import dev.modelyard.workers.pools.StartsWithTheWorker;
import dev.modelyard.workflows.TaskQueues;
import dev.modelyard.workflows.maintenance.CleanupRequest;
import dev.modelyard.workflows.maintenance.CleanupWorkflow;
import dev.modelyard.workflows.maintenance.DiscoveryRequest;
import dev.modelyard.workflows.maintenance.DiscoveryWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure the deployment's discovery and cleanup cron workflows exist. Their IDs are fixed, so a
 * second worker (or a restart) finds them started and joins them: the schedule and policy are those
 * of the worker that started them, until they are terminated.
 */
public class MaintenanceStarter extends StartsWithTheWorker {

  private static final Logger log = LoggerFactory.getLogger(MaintenanceStarter.class);

  private final WorkflowClient client;
  private final MaintenanceSettings settings;
  private volatile boolean started;

  public MaintenanceStarter(WorkflowClient client, MaintenanceSettings settings) {
    super("Maintenance", settings.enabled(), settings.startRetry());
    this.client = client;
    this.settings = settings;
  }

  /** Whether both cron workflows are known to run (started here or found started). */
  public boolean started() {
    return started;
  }

  @Override
  protected void ensureRunning() {
    DiscoveryWorkflow discovery =
        client.newWorkflowStub(
            DiscoveryWorkflow.class,
            options(settings.discoveryWorkflowId(), settings.discoverySchedule()));
    startOrJoin(
        settings.discoveryWorkflowId(),
        settings.discoverySchedule(),
        () -> WorkflowClient.start(discovery::discover, DiscoveryRequest.cron()));
    CleanupWorkflow cleanup =
        client.newWorkflowStub(
            CleanupWorkflow.class,
            options(settings.cleanupWorkflowId(), settings.cleanupSchedule()));
    startOrJoin(
        settings.cleanupWorkflowId(),
        settings.cleanupSchedule(),
        () -> WorkflowClient.start(cleanup::cleanUp, new CleanupRequest(settings.policy())));
    started = true;
  }

  private static void startOrJoin(String workflowId, String schedule, Runnable start) {
    try {
      start.run();
      log.info("Maintenance: started {} on cron '{}'", workflowId, schedule);
    } catch (WorkflowExecutionAlreadyStarted e) {
      // The cron equivalent of "use existing": its schedule is the one it was started with.
      log.info("Maintenance: {} already runs", workflowId);
    }
  }

  private WorkflowOptions options(String workflowId, String schedule) {
    WorkflowOptions.Builder options =
        WorkflowOptions.newBuilder()
            .setWorkflowId(workflowId)
            .setTaskQueue(TaskQueues.MAINTENANCE)
            .setCronSchedule(schedule);
    if (settings.executionTimeout() != null) {
      options.setWorkflowExecutionTimeout(settings.executionTimeout());
    }
    return options.build();
  }
}
