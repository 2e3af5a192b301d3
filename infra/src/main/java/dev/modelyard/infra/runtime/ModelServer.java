package dev.modelyard.infra.runtime;

import dev.modelyard.workflows.models.Provider;

/**
 * The server program an instance runs. Every runtime runs Modelyard's engine runner; the Docker
 * runtime also runs Ollama's and TGI's images when its settings name them.
 */
public enum ModelServer {
  /** Modelyard's {@code EngineRunner}: llama.cpp serving one GGUF file. */
  ENGINE_RUNNER,
  /** {@code ollama serve}, serving models by their Ollama name (the {@code local_ollama} ones). */
  OLLAMA,
  /** Hugging Face's text-generation-inference, serving one model by Hub ID or folder. */
  TGI;

  /**
   * The server that runs a provider's models: Ollama's in Ollama, {@code hf_local} ones in TGI,
   * files (and a start that names no provider) in the engine runner.
   */
  public static ModelServer of(Provider provider) {
    if (provider == null) {
      return ENGINE_RUNNER;
    }
    return switch (provider) {
      case LOCAL_OLLAMA -> OLLAMA;
      case HF_LOCAL -> TGI;
      default -> ENGINE_RUNNER;
    };
  }
}
