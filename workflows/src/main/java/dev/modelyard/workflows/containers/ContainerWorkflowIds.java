package dev.modelyard.workflows.containers;

/**
 * IDs of the short container workflows an API call runs and waits for. Each call is its own
 * workflow (the caller's request ID), since two listings at once must not share a stale answer.
 */
public final class ContainerWorkflowIds {

  private ContainerWorkflowIds() {}

  public static String list(String requestId) {
    return "containers-list:" + requestId;
  }

  public static String logs(String requestId) {
    return "containers-logs:" + requestId;
  }
}
