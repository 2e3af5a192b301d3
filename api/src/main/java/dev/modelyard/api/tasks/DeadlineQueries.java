package dev.modelyard.api.tasks;

import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.query.v1.WorkflowQuery;
import io.temporal.api.workflowservice.v1.QueryWorkflowRequest;
import io.temporal.api.workflowservice.v1.QueryWorkflowResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.common.converter.DataConverterException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A workflow query with a deadline of its own: the client's stubs wait up to the SDK's query
 * timeout (10 s) for a workflow whose worker is busy or gone.
 */
public final class DeadlineQueries {

  private DeadlineQueries() {}

  /**
   * The answer to {@code queryType}.
   *
   * @throws StatusRuntimeException when no answer came within {@code deadline}, or none could
   * @throws DataConverterException when the answer is not a {@code type}
   */
  public static <T> T query(
      WorkflowClient client,
      String workflowId,
      String queryType,
      Class<T> type,
      Duration deadline) {
    return query(
        client,
        WorkflowExecution.newBuilder().setWorkflowId(workflowId).build(),
        queryType,
        type,
        deadline);
  }

  /** As {@link #query(WorkflowClient, String, String, Class, Duration)}, of one run. */
  public static <T> T query(
      WorkflowClient client,
      WorkflowExecution execution,
      String queryType,
      Class<T> type,
      Duration deadline) {
    QueryWorkflowResponse response =
        client
            .getWorkflowServiceStubs()
            .blockingStub()
            .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
            .queryWorkflow(
                QueryWorkflowRequest.newBuilder()
                    .setNamespace(client.getOptions().getNamespace())
                    .setExecution(execution)
                    .setQuery(WorkflowQuery.newBuilder().setQueryType(queryType))
                    .build());
    return client
        .getOptions()
        .getDataConverter()
        .fromPayloads(0, Optional.of(response.getQueryResult()), type, type);
  }
}
