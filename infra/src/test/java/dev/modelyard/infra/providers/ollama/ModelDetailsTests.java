package dev.modelyard.infra.providers.ollama;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelDetailsTests {

  @ParameterizedTest
  @CsvSource({
    "8.0B, 8000000000",
    "494.03M, 494030000",
    "513K, 513000",
    "1.5T, 1500000000000",
    "42, 42",
    "'', 0",
    "unknown, 0"
  })
  void readsOllamasRoundedParameterCounts(String parameterSize, long count) {
    ModelDetails details =
        new ModelDetails("", "gguf", "llama", List.of("llama"), parameterSize, "Q4_K_M");

    assertThat(details.parameterCount()).isEqualTo(count);
  }
}
