package dev.modelyard.api.tasks;

import dev.modelyard.api.errors.ConflictException;
import dev.modelyard.api.errors.InvalidFieldException;
import dev.modelyard.api.errors.NotFoundException;
import dev.modelyard.api.errors.UnavailableException;
import dev.modelyard.workflows.ModelyardSearchAttributes;
import dev.modelyard.workflows.WorkflowIds;
import dev.modelyard.workflows.deployments.LoadModelResult;
import dev.modelyard.workflows.deployments.StopInstanceResult;
import dev.modelyard.workflows.deployments.UnloadModelResult;
import dev.modelyard.workflows.maintenance.DiscoveryResult;
import dev.modelyard.workflows.models.PullModelResult;
import dev.modelyard.workflows.tasks.TransferProgress;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowServiceException;
import io.temporal.client.WorkflowStub;
import io.temporal.common.converter.DataConverterException;
import io.temporal.failure.TemporalFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.stereotype.Service;

/** Reads a task's state from Temporal: status, phase, progress, and its result or error. */
@Service
class TaskQueries {

  private static final String STATUS_PREFIX = "WORKFLOW_EXECUTION_STATUS_";
  static final int ACTIVE_LIMIT = 200;
  private static final Duration PHASE_QUERY_DEADLINE = Duration.ofSeconds(1);

  /**
   * Temporal's default limit on a workflow ID's length; the longest ID Modelyard makes (a
   * huggingface pull: an "org/repo" of 200 characters and a file of 300) is about half of it.
   */
  static final int MAX_TASK_ID_LENGTH = 1000;

  private final WorkflowClient client;
  private final StartedTasks started;

  TaskQueries(WorkflowClient client, StartedTasks started) {
    this.client = client;
    this.started = started;
  }

  TaskStatus describe(String taskId) {
    requireValidLength(taskId);
    if (!WorkflowIds.isTask(taskId)) {
      // The maintenance crons and the like are not the caller's: as for cancel, an ID of none.
      throw new NotFoundException("no task with id " + taskId);
    }
    return describe(taskId, true);
  }

  /**
   * A task's state. Asking the workflow for its phase needs a worker: {@code askPhase} is false
   * when listing many tasks, some of which may have lost theirs.
   */
  private TaskStatus describe(String taskId, boolean askPhase) {
    DescribeWorkflowExecutionResponse description = describeExecution(taskId);
    var info = description.getWorkflowExecutionInfo();
    WorkflowExecutionStatus status = info.getStatus();
    boolean running = status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
    String operation = WorkflowIds.operation(taskId);
    WorkflowStub stub = client.newUntypedWorkflowStub(taskId);

    Object result = null;
    String error = null;
    if (status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED) {
      result = result(stub, operation);
    } else if (!running) {
      error = failure(stub);
    }
    return new TaskStatus(
        taskId,
        operation,
        status.name().substring(STATUS_PREFIX.length()).toLowerCase(Locale.ROOT),
        running && askPhase ? phase(taskId) : null,
        running ? progress(description).orElse(null) : null,
        result,
        error,
        toInstant(info.getStartTime()),
        info.hasCloseTime() ? toInstant(info.getCloseTime()) : null);
  }

  /**
   * Running lifecycle workflows, newest first, at most {@link #ACTIVE_LIMIT} of them, and whether
   * more were left out.
   */
  TasksController.ActiveTasks active() {
    try {
      List<String> ids =
          client
              .listExecutions("ExecutionStatus = 'Running'")
              .filter(
                  execution ->
                      execution
                          .getTypedSearchAttributes()
                          .containsKey(ModelyardSearchAttributes.OPERATION))
              .limit(ACTIVE_LIMIT + 1)
              .map(execution -> execution.getExecution().getWorkflowId())
              .toList();
      return running(ids);
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
        throw new UnavailableException("cannot list tasks: " + e.getMessage(), e);
      }
      // The in-process server cannot list; what this process started is all it holds anyway,
      // finished ones among them: described one at a time until enough run.
      return running(started.newestFirst());
    } catch (WorkflowServiceException e) {
      throw new UnavailableException("cannot list tasks: " + e.getMessage(), e);
    }
  }

  /** The first {@link #ACTIVE_LIMIT} of {@code ids} that run, and whether one more does. */
  private TasksController.ActiveTasks running(List<String> ids) {
    List<TaskStatus> running = new ArrayList<>();
    for (String id : ids) {
      TaskStatus task = describe(id, false);
      if (task.status().equals("running")) {
        if (running.size() == ACTIVE_LIMIT) {
          return new TasksController.ActiveTasks(running, true);
        }
        running.add(task);
      }
    }
    return new TasksController.ActiveTasks(running, false);
  }

  /** Asks a running task to stop; its workflow cleans up what it had started. */
  void cancel(String taskId) {
    requireValidLength(taskId);
    if (!WorkflowIds.isTask(taskId)) {
      // As for an ID that names nothing: whatever else runs under it is none of the caller's.
      throw new NotFoundException("no task with id " + taskId);
    }
    DescribeWorkflowExecutionResponse description = describeExecution(taskId);
    if (description.getWorkflowExecutionInfo().getStatus()
        != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      throw new ConflictException("task " + taskId + " is not running");
    }
    try {
      client.newUntypedWorkflowStub(taskId).cancel();
    } catch (StatusRuntimeException | WorkflowServiceException e) {
      throw new UnavailableException(
          "cannot cancel task " + taskId + ": Temporal is unavailable", e);
    }
  }

  /** A longer ID names no task, and Temporal would refuse it as an invalid argument. */
  private static void requireValidLength(String taskId) {
    if (taskId.length() > MAX_TASK_ID_LENGTH) {
      throw new InvalidFieldException(
          "task_id",
          "task_id must be at most " + MAX_TASK_ID_LENGTH + " characters, was " + taskId.length());
    }
  }

  private DescribeWorkflowExecutionResponse describeExecution(String taskId) {
    try {
      return client
          .getWorkflowServiceStubs()
          .blockingStub()
          .withDeadlineAfter(5, TimeUnit.SECONDS)
          .describeWorkflowExecution(
              DescribeWorkflowExecutionRequest.newBuilder()
                  .setNamespace(client.getOptions().getNamespace())
                  .setExecution(WorkflowExecution.newBuilder().setWorkflowId(taskId))
                  .build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        throw new NotFoundException("no task with id " + taskId);
      }
      if (e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT) {
        // A server whose limits are stricter than the defaults refuses the ID itself.
        throw new InvalidFieldException(
            "task_id", "task_id is not valid: " + e.getStatus().getDescription());
      }
      throw new UnavailableException("cannot read task " + taskId + ": Temporal is unavailable", e);
    }
  }

  private static Object result(WorkflowStub stub, String operation) {
    Class<?> type =
        switch (operation) {
          case "pull" -> PullModelResult.class;
          case "load", "register" -> LoadModelResult.class;
          case "unload" -> UnloadModelResult.class;
          case "stop" -> StopInstanceResult.class;
          case "discover" -> DiscoveryResult.class;
          default -> Object.class;
        };
    try {
      return stub.getResult(5, TimeUnit.SECONDS, type);
    } catch (TimeoutException | DataConverterException e) {
      return null;
    }
  }

  /** The failure's own message, without Temporal's wrapping. */
  private static String failure(WorkflowStub stub) {
    try {
      stub.getResult(5, TimeUnit.SECONDS, Object.class);
      return null;
    } catch (WorkflowException e) {
      Throwable cause = e;
      while (cause.getCause() != null) {
        cause = cause.getCause();
      }
      return cause instanceof TemporalFailure failure
          ? failure.getOriginalMessage()
          : cause.getMessage();
    } catch (TimeoutException e) {
      return "unknown";
    }
  }

  /** Asks the workflow, briefly: one whose worker is busy or gone cannot answer in time. */
  private String phase(String taskId) {
    try {
      return DeadlineQueries.query(client, taskId, "phase", String.class, PHASE_QUERY_DEADLINE);
    } catch (StatusRuntimeException | DataConverterException e) {
      return null;
    }
  }

  private Optional<TaskStatus.Progress> progress(DescribeWorkflowExecutionResponse description) {
    for (PendingActivityInfo activity : description.getPendingActivitiesList()) {
      if (activity.hasHeartbeatDetails() && activity.getHeartbeatDetails().getPayloadsCount() > 0) {
        try {
          TransferProgress progress =
              client
                  .getOptions()
                  .getDataConverter()
                  .fromPayload(
                      activity.getHeartbeatDetails().getPayloads(0),
                      TransferProgress.class,
                      TransferProgress.class);
          double percent =
              progress.bytesTotal() > 0 ? 100.0 * progress.bytesDone() / progress.bytesTotal() : 0;
          return Optional.of(
              new TaskStatus.Progress(
                  progress.bytesDone(),
                  progress.bytesTotal(),
                  Math.round(percent * 10) / 10.0,
                  etaSeconds(activity, progress)));
        } catch (DataConverterException e) {
          // This activity heartbeats something other than byte progress.
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Seconds left at the average rate since the attempt started. A resumed attempt counts the bytes
   * of earlier ones too, so right after a resume the estimate is optimistic.
   */
  private static Long etaSeconds(PendingActivityInfo activity, TransferProgress progress) {
    if (!activity.hasLastStartedTime() || !activity.hasLastHeartbeatTime()) {
      return null;
    }
    Duration elapsed =
        Duration.between(
            toInstant(activity.getLastStartedTime()), toInstant(activity.getLastHeartbeatTime()));
    long remaining = progress.bytesTotal() - progress.bytesDone();
    if (elapsed.toMillis() <= 0 || progress.bytesDone() <= 0 || remaining < 0) {
      return null;
    }
    double bytesPerSecond = progress.bytesDone() * 1000.0 / elapsed.toMillis();
    return Math.round(remaining / bytesPerSecond);
  }

  private static Instant toInstant(com.google.protobuf.Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }
}
