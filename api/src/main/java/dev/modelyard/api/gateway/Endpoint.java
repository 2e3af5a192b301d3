package dev.modelyard.api.gateway;

import java.util.Set;

/** The OpenAI endpoints the gateway relays, and which providers' instances serve each. */
enum Endpoint {
  CHAT("/v1/chat/completions", "chat", true),
  COMPLETIONS("/v1/completions", "completions", true),
  EMBEDDINGS("/v1/embeddings", "embeddings", false);

  /** Engine runners (local_gguf, huggingface) run generative GGUF models without embeddings. */
  private static final Set<String> WITHOUT_EMBEDDINGS = Set.of("local_gguf", "huggingface");

  private final String path;
  private final String category;
  private final boolean streams;

  Endpoint(String path, String category, boolean streams) {
    this.path = path;
    this.category = category;
    this.streams = streams;
  }

  String path() {
    return path;
  }

  /** The cache category its answers are kept under. */
  String category() {
    return category;
  }

  boolean streams() {
    return streams;
  }

  boolean servedBy(String provider) {
    return this != EMBEDDINGS || !WITHOUT_EMBEDDINGS.contains(provider);
  }
}
