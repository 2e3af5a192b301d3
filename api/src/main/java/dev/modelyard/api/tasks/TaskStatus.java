package dev.modelyard.api.tasks;

import java.time.Instant;

/** A task (a lifecycle workflow) as the tasks API reports it. */
record TaskStatus(
    String taskId,
    String operation,
    String status,
    String phase,
    Progress progress,
    Object result,
    String error,
    Instant startedAt,
    Instant closedAt) {

  /**
   * Bytes moved by the running step, when it reports them, and the seconds left at the average rate
   * of its current attempt (null until there is a rate to go by).
   */
  record Progress(long bytesDone, long bytesTotal, double percent, Long etaSeconds) {}
}
