package dev.modelyard.workflows.deployments;

import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;

/** Waiting in tests for a workflow to have seen its cancel. */
final class CancelRequests {

  private CancelRequests() {}

  /** Until the workflow has run a task since its cancel was asked for. */
  static void awaitSeenBy(WorkflowClient client, String workflowId) throws InterruptedException {
    for (int i = 0; i < 500; i++) {
      boolean asked = false;
      for (HistoryEvent event : client.fetchHistory(workflowId).getHistory().getEventsList()) {
        asked |= event.hasWorkflowExecutionCancelRequestedEventAttributes();
        if (asked && event.hasWorkflowTaskCompletedEventAttributes()) {
          return;
        }
      }
      Thread.sleep(10);
    }
    throw new AssertionError("the workflow never ran a task after its cancel");
  }
}
