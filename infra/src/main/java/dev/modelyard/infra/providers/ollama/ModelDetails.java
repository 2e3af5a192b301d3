package dev.modelyard.infra.providers.ollama;

import java.util.List;

/**
 * What Ollama knows about a model's weights.
 *
 * @param format e.g. {@code gguf}
 * @param family the architecture family, e.g. {@code llama}
 * @param parameterSize a rounded count such as {@code 8.0B}
 * @param quantizationLevel e.g. {@code Q4_K_M} or {@code F16}
 */
public record ModelDetails(
    String parentModel,
    String format,
    String family,
    List<String> families,
    String parameterSize,
    String quantizationLevel) {}
