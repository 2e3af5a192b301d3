package dev.modelyard.workflows.models;

import io.temporal.activity.ActivityInterface;

/**
 * Pulls models into the Ollama server of the host it runs on (OLLAMA_HOST is a per-machine setting,
 * usually loopback). Heartbeats {@link dev.modelyard.workflows.tasks.TransferProgress} of the layer
 * being downloaded.
 */
@ActivityInterface
public interface OllamaActivities {

  /** OLLAMA_HOST is not set on the worker; never retried. */
  String OLLAMA_NOT_CONFIGURED = "OllamaNotConfigured";

  /** Ollama or its registry refused the pull, e.g. an unknown model; never retried. */
  String PULL_REJECTED = "OllamaPullRejected";

  /**
   * Pulls {@code model} (an Ollama model name such as {@code llama3.2:1b}) and returns what Ollama
   * then lists for it: path is the model's name with its tag, format {@code ollama}.
   */
  ModelFileFacts pullOllamaModel(String model);
}
