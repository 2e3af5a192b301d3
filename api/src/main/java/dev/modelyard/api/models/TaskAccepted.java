package dev.modelyard.api.models;

/** The answer to a request that started (or joined) a workflow: poll {@code status_url}. */
public record TaskAccepted(String taskId, String operation, String statusUrl) {

  public static TaskAccepted of(String taskId, String operation) {
    return new TaskAccepted(taskId, operation, "/api/v1/local-llm/tasks/" + taskId);
  }
}
