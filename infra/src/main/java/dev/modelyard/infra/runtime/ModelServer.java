package dev.modelyard.infra.runtime;

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
  TGI
}
