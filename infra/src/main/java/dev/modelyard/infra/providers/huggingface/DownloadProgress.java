package dev.modelyard.infra.providers.huggingface;

/**
 * How far a download has come, counting bytes already on disk from an earlier attempt.
 *
 * @param totalBytes the file's full size, or -1 when the server did not say
 */
public record DownloadProgress(long bytesDone, long totalBytes) {}
