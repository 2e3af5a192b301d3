package dev.modelyard.api.models;

import dev.modelyard.api.errors.ConflictException;
import dev.modelyard.api.errors.PlacementRefusedException;
import dev.modelyard.api.errors.UnavailableException;
import dev.modelyard.api.tasks.DeadlineQueries;
import dev.modelyard.api.tasks.StartedTasks;
import dev.modelyard.workflows.ModelyardSearchAttributes;
import dev.modelyard.workflows.TaskQueues;
import dev.modelyard.workflows.WorkflowIds;
import dev.modelyard.workflows.deployments.LoadModelRequest;
import dev.modelyard.workflows.deployments.LoadModelResult;
import dev.modelyard.workflows.deployments.LoadModelWorkflow;
import dev.modelyard.workflows.deployments.RegisterEndpointRequest;
import dev.modelyard.workflows.deployments.RegisterEndpointWorkflow;
import dev.modelyard.workflows.deployments.UnloadModelRequest;
import dev.modelyard.workflows.deployments.UnloadModelWorkflow;
import dev.modelyard.workflows.models.ModelRef;
import dev.modelyard.workflows.models.PullModelRequest;
import dev.modelyard.workflows.models.PullModelWorkflow;
import dev.modelyard.workflows.placement.PlacementActivities;
import dev.modelyard.workflows.placement.PlacementDecision.Refused;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowServiceException;
import io.temporal.client.WorkflowStub;
import io.temporal.common.converter.DataConverterException;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.stereotype.Service;

/**
 * Starts lifecycle workflows. A second request for the same model joins the running one; each
 * workflow carries search attributes and a summary so it is easy to find in Temporal's Web UI.
 */
@Service
public class ModelLifecycle {

  /** How long a load request waits to hear whether placement refused it. */
  static final Duration PLACEMENT_WAIT = Duration.ofSeconds(2);

  private static final Duration POLL = Duration.ofMillis(150);

  /** The load's phases up to and including placement ({@code LoadModelWorkflowImpl}). */
  private static final Set<String> BEFORE_PLACEMENT =
      Set.of("starting", "finding model", "placing", "unknown");

  private final WorkflowClient client;
  private final StartedTasks started;

  ModelLifecycle(WorkflowClient client, StartedTasks started) {
    this.client = client;
    this.started = started;
  }

  String startPull(PullModelRequest request) {
    String id = WorkflowIds.pull(request.model());
    PullModelWorkflow workflow =
        client.newWorkflowStub(
            PullModelWorkflow.class,
            options(id, TaskQueues.PULLS, "pull", request.model(), request));
    start(() -> WorkflowClient.start(workflow::pull, request), id);
    refuseJoiningAnotherPull(WorkflowStub.fromTyped(workflow), request);
    return id;
  }

  /**
   * A pull of the model already running is joined, not started again; but only if it pulls what
   * this request asks for. One of another file, onto another host, or of a name spelt otherwise
   * (IDs ignore case) would register something else under this request's task: a 409 instead.
   * Priorities may differ: the running one's stands.
   */
  private static void refuseJoiningAnotherPull(WorkflowStub running, PullModelRequest request) {
    PullModelRequest joined;
    try {
      // The run this request started or joined (the stub holds its run ID), ended or not.
      joined = (PullModelRequest) running.describe().getMemo("request", PullModelRequest.class);
    } catch (WorkflowException | StatusRuntimeException | DataConverterException e) {
      // The pull has started either way; what it pulls is the task's to report.
      return;
    }
    if (joined == null) {
      return;
    }
    boolean sameFile =
        joined.model().equals(request.model())
            && Objects.equals(joined.location(), request.location())
            && (request.hostId() == null || request.hostId().equals(joined.hostId()));
    if (!sameFile) {
      throw new ConflictException(
          "a pull of %s (task %s)%s%s is under way or has just ended; wait for it to end, or cancel it with"
                  .formatted(
                      joined.model(),
                      running.getExecution().getWorkflowId(),
                      joined.location() != null ? " from " + joined.location() : "",
                      joined.hostId() != null ? " onto host " + joined.hostId() : "")
              + " DELETE /api/v1/local-llm/tasks/{task_id}, then pull again");
    }
  }

  /**
   * Starts (or joins) the model's load and waits, at most {@link #PLACEMENT_WAIT}, until it is past
   * placement: a load that fits nowhere is refused within moments, and the caller hears it as a 409
   * rather than from a failed task later. Any other outcome is the task's to report.
   *
   * @throws PlacementRefusedException when placement refused the load
   */
  public String startLoad(LoadModelRequest request) {
    String id = WorkflowIds.load(request.model());
    LoadModelWorkflow workflow =
        client.newWorkflowStub(
            LoadModelWorkflow.class,
            options(id, TaskQueues.RUNTIME, "load", request.model(), request));
    start(() -> WorkflowClient.start(workflow::load, request), id);
    refuseJoiningAnother(WorkflowStub.fromTyped(workflow), request, "load");
    awaitPlacement(WorkflowStub.fromTyped(workflow));
    return id;
  }

  private void awaitPlacement(WorkflowStub load) {
    long deadline = System.nanoTime() + PLACEMENT_WAIT.toNanos();
    for (long left = PLACEMENT_WAIT.toNanos(); left > 0; left = deadline - System.nanoTime()) {
      try {
        load.getResult(Math.min(left, POLL.toNanos()), TimeUnit.NANOSECONDS, LoadModelResult.class);
        return;
      } catch (TimeoutException stillRunning) {
        if (!BEFORE_PLACEMENT.contains(phase(load))) {
          return;
        }
      } catch (WorkflowException e) {
        refusal(e)
            .ifPresent(
                refused -> {
                  throw new PlacementRefusedException(
                      refused.reason(), refused.needBytes(), refused.largestFreeBytes());
                });
        return;
      }
    }
  }

  /**
   * The load's phase, asked briefly; unknown (so: still waiting) when no worker answers in time.
   */
  private String phase(WorkflowStub load) {
    try {
      return DeadlineQueries.query(client, load.getExecution(), "phase", String.class, POLL);
    } catch (StatusRuntimeException | DataConverterException e) {
      return "unknown";
    }
  }

  private static Optional<Refused> refusal(WorkflowException e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof ApplicationFailure failure
          && PlacementActivities.PLACEMENT_REFUSED.equals(failure.getType())) {
        try {
          return Optional.of(failure.getDetails().get(Refused.class));
        } catch (DataConverterException | IndexOutOfBoundsException unreadable) {
          return Optional.of(new Refused(0, 0, failure.getOriginalMessage()));
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Starts the unload, or joins the one under way with a signal to stop every instance: an idle
   * cleanup's unload of the same model (the same ID) would otherwise keep the instances just used.
   */
  String startUnload(UnloadModelRequest request) {
    String id = WorkflowIds.unload(request.model());
    UnloadModelWorkflow workflow =
        client.newWorkflowStub(
            UnloadModelWorkflow.class,
            options(id, TaskQueues.RUNTIME, "unload", request.model(), request));
    return start(
        () -> {
          BatchRequest startAndSignal = client.newSignalWithStartRequest();
          startAndSignal.add(workflow::unload, request);
          startAndSignal.add(workflow::unloadEverything);
          client.signalWithStart(startAndSignal);
        },
        id);
  }

  String startRegister(RegisterEndpointRequest request) {
    String id = WorkflowIds.register(request.model());
    RegisterEndpointWorkflow workflow =
        client.newWorkflowStub(
            RegisterEndpointWorkflow.class,
            options(id, TaskQueues.RUNTIME, "register", request.model(), request));
    start(() -> WorkflowClient.start(workflow::register, request), id);
    refuseJoiningAnother(WorkflowStub.fromTyped(workflow), request, "registration");
    return id;
  }

  /**
   * As for pulls: a load or registration of the model already running is joined only if it asks for
   * the same; one with other settings (another URL, other resources, a name spelt otherwise) would
   * have its request dropped while the caller was told it had started: a 409 instead.
   */
  private static void refuseJoiningAnother(WorkflowStub running, Record request, String what) {
    Object joined;
    try {
      joined = running.describe().getMemo("request", request.getClass());
    } catch (WorkflowException | StatusRuntimeException | DataConverterException e) {
      return; // it has started either way; what it does is the task's to report
    }
    if (joined != null && !joined.equals(request)) {
      throw new ConflictException(
          "a %s of the model with other settings (task %s) is under way or has just ended; wait"
                  .formatted(what, running.getExecution().getWorkflowId())
              + " for it to end, or cancel it with DELETE /api/v1/local-llm/tasks/{task_id}, then"
              + " try again");
    }
  }

  private String start(Runnable start, String id) {
    try {
      start.run();
      started.add(id);
      return id;
    } catch (WorkflowServiceException | StatusRuntimeException e) {
      throw new UnavailableException("cannot start workflow " + id + ": " + e.getMessage(), e);
    }
  }

  private static WorkflowOptions options(
      String workflowId, String taskQueue, String operation, ModelRef model, Record request) {
    return WorkflowOptions.newBuilder()
        .setWorkflowId(workflowId)
        .setTaskQueue(taskQueue)
        .setWorkflowIdConflictPolicy(
            WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
        .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
        .setTypedSearchAttributes(ModelyardSearchAttributes.of(operation, model))
        .setStaticSummary(operation + " " + model)
        .setMemo(Map.of("request", request))
        .build();
  }
}
