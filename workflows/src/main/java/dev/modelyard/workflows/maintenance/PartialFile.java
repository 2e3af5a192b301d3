package dev.modelyard.workflows.maintenance;

/**
 * A download in progress or abandoned.
 *
 * @param pullWorkflowId the ID of the pull that writes this file, or null when no pull could
 * @param modifiedAtMillis when it was last written to, by the host's clock
 */
public record PartialFile(
    String path, long sizeBytes, long modifiedAtMillis, String pullWorkflowId) {}
