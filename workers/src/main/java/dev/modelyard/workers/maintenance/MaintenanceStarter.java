package dev.modelyard.workers.maintenance;

import dev.modelyard.workers.pools.StartsWithTheWorker;
import dev.modelyard.workflows.TaskQueues;
import dev.modelyard.workflows.maintenance.CleanupRequest;
import dev.modelyard.workflows.maintenance.CleanupWorkflow;
import dev.modelyard.workflows.maintenance.DiscoveryRequest;
import dev.modelyard.workflows.maintenance.DiscoveryWorkflow;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.history.v1.WorkflowExecutionStartedEventAttributes;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.converter.DataConverterException;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure the deployment's discovery and cleanup cron workflows exist, with this worker's
 * schedule and policy. Their IDs are fixed, so a second worker (or a restart) with the same
 * settings finds them started and joins them; a worker whose settings differ replaces them (the
 * cron's current run is terminated and a new one started), so a changed setting takes effect when
 * the workers are rolled out with it. Workers of one deployment with different settings at once
 * (during a rollout) replace each other's crons as they start, and the last to start wins.
 */
public class MaintenanceStarter extends StartsWithTheWorker {

  private static final Logger log = LoggerFactory.getLogger(MaintenanceStarter.class);

  /** Replacements tried before giving up until the next attempt: another worker replaces too. */
  private static final int REPLACEMENTS = 3;

  private final WorkflowClient client;
  private final MaintenanceSettings settings;
  private volatile boolean started;

  /**
   * @param runsMaintenance whether this worker polls the maintenance queue; one that does not never
   *     starts (or replaces) the crons
   */
  public MaintenanceStarter(
      WorkflowClient client, MaintenanceSettings settings, boolean runsMaintenance) {
    super("Maintenance", settings.enabled() && runsMaintenance, settings.startRetry());
    this.client = client;
    this.settings = settings;
  }

  /** Whether both cron workflows are known to run (started here or found started). */
  public boolean started() {
    return started;
  }

  @Override
  protected void ensureRunning() {
    String discoveryId = settings.discoveryWorkflowId();
    String discoverySchedule = settings.discoverySchedule();
    DiscoveryRequest discoveryRequest = DiscoveryRequest.cron();
    ensureCron(
        new Cron<>(discoveryId, discoverySchedule, DiscoveryRequest.class, discoveryRequest),
        () -> {
          DiscoveryWorkflow discovery =
              client.newWorkflowStub(
                  DiscoveryWorkflow.class, options(discoveryId, discoverySchedule));
          WorkflowClient.start(discovery::discover, discoveryRequest);
        });
    String cleanupId = settings.cleanupWorkflowId();
    String cleanupSchedule = settings.cleanupSchedule();
    CleanupRequest cleanupRequest = new CleanupRequest(settings.policy());
    ensureCron(
        new Cron<>(cleanupId, cleanupSchedule, CleanupRequest.class, cleanupRequest),
        () -> {
          CleanupWorkflow cleanup =
              client.newWorkflowStub(CleanupWorkflow.class, options(cleanupId, cleanupSchedule));
          WorkflowClient.start(cleanup::cleanUp, cleanupRequest);
        });
    started = true;
  }

  /** A cron workflow as this worker would start it. */
  private record Cron<T>(String workflowId, String schedule, Class<T> inputType, T input) {}

  /** The cron schedule and input that a running cron run was started with. */
  private record Running(String schedule, Object input) {}

  /** {@code start} starts the workflow with a stub of its own: a stub starts one execution. */
  private <T> void ensureCron(Cron<T> wanted, Runnable start) {
    for (int replacement = 0; replacement <= REPLACEMENTS; replacement++) {
      try {
        start.run();
        log.info(
            "Maintenance: started {} on cron '{}' with {}",
            wanted.workflowId(),
            wanted.schedule(),
            wanted.input());
        return;
      } catch (WorkflowExecutionAlreadyStarted e) {
        Running running = running(wanted, e.getExecution());
        if (running.schedule().equals(wanted.schedule())
            && Objects.equals(running.input(), wanted.input())) {
          log.info("Maintenance: {} already runs with these settings", wanted.workflowId());
          return;
        }
        log.info(
            "Maintenance: {} runs on cron '{}' with {}; replacing it with cron '{}' and {}",
            wanted.workflowId(),
            running.schedule(),
            running.input(),
            wanted.schedule(),
            wanted.input());
        try {
          client
              .newUntypedWorkflowStub(
                  wanted.workflowId(), Optional.of(e.getExecution().getRunId()), Optional.empty())
              .terminate("replaced by a worker whose maintenance settings differ");
        } catch (WorkflowNotFoundException ended) {
          // That run ended meanwhile (its cron started the next, or another worker replaced it).
        }
      }
    }
    throw new IllegalStateException(
        wanted.workflowId() + " was replaced by others while this worker replaced it");
  }

  /** From the run's first event, where a cron run's schedule and input are kept. */
  private Running running(Cron<?> cron, WorkflowExecution execution) {
    WorkflowExecutionStartedEventAttributes started =
        client
            .getWorkflowServiceStubs()
            .blockingStub()
            .getWorkflowExecutionHistory(
                GetWorkflowExecutionHistoryRequest.newBuilder()
                    .setNamespace(client.getOptions().getNamespace())
                    .setExecution(execution)
                    .setMaximumPageSize(1)
                    .build())
            .getHistory()
            .getEvents(0)
            .getWorkflowExecutionStartedEventAttributes();
    Object input;
    try {
      input =
          client
              .getOptions()
              .getDataConverter()
              .fromPayloads(0, Optional.of(started.getInput()), cron.inputType(), cron.inputType());
    } catch (DataConverterException e) {
      // Written by a build whose input this one cannot read: other settings, so replaced.
      input = "unreadable input (" + e.getMessage() + ")";
    }
    return new Running(started.getCronSchedule(), input);
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
