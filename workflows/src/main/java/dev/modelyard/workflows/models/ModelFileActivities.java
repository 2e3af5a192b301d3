package dev.modelyard.workflows.models;

import io.temporal.activity.ActivityInterface;

/** Work on model files, run on the queue of the host that holds them. */
@ActivityInterface
public interface ModelFileActivities {

  /** Failure type for a path that is missing, unreadable or not a GGUF file; never retried. */
  String INVALID_MODEL_FILE = "InvalidModelFile";

  /** Reads a local file's size, SHA-256 and GGUF header, heartbeating the bytes hashed. */
  ModelFileFacts inspectLocalFile(String path);
}
