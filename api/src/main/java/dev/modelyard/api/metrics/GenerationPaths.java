package dev.modelyard.api.metrics;

import java.util.Set;

/** The endpoints that serve generations, whose requests the gateway meters count. */
final class GenerationPaths {

  private static final Set<String> PATHS =
      Set.of(
          "/v1/chat/completions",
          "/v1/completions",
          "/v1/embeddings",
          "/api/v1/local-llm/generate");

  private GenerationPaths() {}

  static boolean contains(String pathWithinApplication) {
    return PATHS.contains(pathWithinApplication);
  }
}
