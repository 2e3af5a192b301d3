package dev.modelyard.workflows;

import dev.modelyard.workflows.models.ModelRef;
import java.util.Locale;
import java.util.Set;

/**
 * Workflow IDs are derived from what a workflow works on, so that two requests for the same model
 * meet in the same workflow instead of doing the work twice. They double as task IDs in the API, so
 * they stay URL-safe: {@code operation:provider:name}, the name in lower case with its '/' written
 * as '~'. Neither Ollama nor the Hugging Face Hub allows '~' in a name, and the API refuses it in
 * any name, as it refuses a name that differs from a registered one only in case, so no two models
 * share an ID.
 */
public final class WorkflowIds {

  /** The operations above, and the discovery run on request ({@code discover:{request id}}). */
  private static final Set<String> TASK_OPERATIONS =
      Set.of("pull", "load", "unload", "register", "deployment", "stop", "discover");

  private WorkflowIds() {}

  public static String pull(ModelRef model) {
    return id("pull", model);
  }

  public static String load(ModelRef model) {
    return id("load", model);
  }

  public static String unload(ModelRef model) {
    return id("unload", model);
  }

  public static String register(ModelRef model) {
    return id("register", model);
  }

  /** The long-running workflow that keeps a model at its desired number of instances. */
  public static String deployment(ModelRef model) {
    return id("deployment", model);
  }

  /** Stops one instance (and removes its container): {@code stop:{instanceId}}. */
  public static String stopInstance(String instanceId) {
    return "stop:" + instanceId;
  }

  /**
   * Whether an ID names a task the API starts (and a caller may cancel), by its operation: not the
   * health-check loop, the discovery and cleanup crons, or the restarts the loop owns, whose
   * cancelling would quietly stop a part of Modelyard.
   */
  public static boolean isTask(String workflowId) {
    return TASK_OPERATIONS.contains(operation(workflowId));
  }

  /** The operation a task ID names, e.g. "pull". */
  public static String operation(String workflowId) {
    int colon = workflowId.indexOf(':');
    return colon > 0 ? workflowId.substring(0, colon) : "unknown";
  }

  private static String id(String operation, ModelRef model) {
    String name = model.name().trim().toLowerCase(Locale.ROOT).replace('/', '~');
    return operation + ":" + model.provider().wireName() + ":" + name;
  }
}
