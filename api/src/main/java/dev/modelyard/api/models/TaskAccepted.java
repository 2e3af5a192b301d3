package dev.modelyard.api.models;

import java.nio.charset.StandardCharsets;
import org.springframework.web.util.UriUtils;

/** The answer to a request that started (or joined) a workflow: poll {@code status_url}. */
public record TaskAccepted(String taskId, String operation, String statusUrl) {

  public static TaskAccepted of(String taskId, String operation) {
    // A model's name is in its task's ID, and a name may hold what a path must escape ('#', ' ').
    return new TaskAccepted(
        taskId,
        operation,
        "/api/v1/local-llm/tasks/" + UriUtils.encodePathSegment(taskId, StandardCharsets.UTF_8));
  }
}
