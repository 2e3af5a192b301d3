package dev.modelyard.api.metrics;

import dev.modelyard.workflows.TaskQueues;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.temporal.api.enums.v1.TaskQueueType;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.DescribeTaskQueueRequest;
import io.temporal.api.workflowservice.v1.DescribeTaskQueueResponse;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Each task queue's backlog as the Temporal server describes it ({@code DescribeTaskQueue} with
 * {@code report_stats}: approximate backlog count and age), with its poller count, per queue and
 * kind of task: {@code llm_task_queue_backlog}, {@code llm_task_queue_backlog_age_seconds}, {@code
 * llm_task_queue_pollers}. The queues are the shared ones plus each known host's, its transfers
 * queue and its stops queue.
 */
final class TaskQueueGauges implements PolledMetrics {

  private static final List<String> SHARED =
      List.of(TaskQueues.PULLS, TaskQueues.RUNTIME, TaskQueues.HEALTH, TaskQueues.MAINTENANCE);
  private static final Map<TaskQueueType, String> TYPES =
      Map.of(
          TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, "workflow",
          TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY, "activity");

  private final WorkflowServiceStubs stubs;
  private final String namespace;
  private final Supplier<List<String>> hostQueues;
  private final MultiGauge backlog;
  private final MultiGauge backlogAge;
  private final MultiGauge pollers;

  TaskQueueGauges(
      WorkflowServiceStubs stubs,
      String namespace,
      Supplier<List<String>> hostQueues,
      MeterRegistry meters) {
    this.stubs = stubs;
    this.namespace = namespace;
    this.hostQueues = hostQueues;
    this.backlog =
        MultiGauge.builder("llm.task.queue.backlog")
            .description("Tasks waiting in a task queue (approximate, from the Temporal server)")
            .register(meters);
    this.backlogAge =
        MultiGauge.builder("llm.task.queue.backlog.age")
            .description("How long the oldest waiting task has waited")
            .baseUnit("seconds")
            .register(meters);
    this.pollers =
        MultiGauge.builder("llm.task.queue.pollers")
            .description("Workers polling a task queue recently")
            .register(meters);
  }

  @Override
  public String source() {
    return "Temporal's task queue descriptions";
  }

  @Override
  public void poll() {
    Set<String> queues = new LinkedHashSet<>(SHARED);
    queues.addAll(hostQueues.get());
    List<MultiGauge.Row<?>> backlogRows = new ArrayList<>();
    List<MultiGauge.Row<?>> ageRows = new ArrayList<>();
    List<MultiGauge.Row<?>> pollerRows = new ArrayList<>();
    for (String queue : queues) {
      for (var type : TYPES.entrySet()) {
        DescribeTaskQueueResponse description =
            stubs
                .blockingStub()
                .describeTaskQueue(
                    DescribeTaskQueueRequest.newBuilder()
                        .setNamespace(namespace)
                        .setTaskQueue(TaskQueue.newBuilder().setName(queue))
                        .setTaskQueueType(type.getKey())
                        .setReportStats(true)
                        .build());
        Tags tags = Tags.of("queue", queue, "type", type.getValue());
        backlogRows.add(
            MultiGauge.Row.of(tags, description.getStats().getApproximateBacklogCount()));
        ageRows.add(
            MultiGauge.Row.of(
                tags,
                description.getStats().getApproximateBacklogAge().getSeconds()
                    + description.getStats().getApproximateBacklogAge().getNanos() / 1e9));
        pollerRows.add(MultiGauge.Row.of(tags, description.getPollersCount()));
      }
    }
    backlog.register(backlogRows, true);
    backlogAge.register(ageRows, true);
    pollers.register(pollerRows, true);
  }
}
