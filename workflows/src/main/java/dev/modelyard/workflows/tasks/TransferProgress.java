package dev.modelyard.workflows.tasks;

/**
 * Heartbeat details of activities that move or read many bytes. The tasks API reads them from the
 * pending activity to report progress without asking the workflow.
 */
public record TransferProgress(long bytesDone, long bytesTotal) {}
