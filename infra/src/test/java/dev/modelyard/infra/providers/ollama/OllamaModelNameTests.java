package dev.modelyard.infra.providers.ollama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OllamaModelNameTests {

  @ParameterizedTest
  @CsvSource({
    "llama3.2:1b, registry.ollama.ai/library/llama3.2:1b",
    "llama3.2, registry.ollama.ai/library/llama3.2:latest",
    "someone/model:q4, registry.ollama.ai/someone/model:q4",
    "127.0.0.1:5000/library/tiny, 127.0.0.1:5000/library/tiny:latest",
    "hf.co/org/repo:Q4_K_M, hf.co/org/repo:q4_k_m"
  })
  void fillsInOllamasDefaults(String name, String canonical) {
    assertThat(OllamaModelName.parse(name).canonical()).isEqualTo(canonical);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "127.0.0.1:5000/library/tiny",
        "127.1.2.3/ns/model",
        "localhost:5000/library/tiny",
        "LOCALHOST/library/tiny",
        "[::1]:5000/library/tiny"
      })
  void knowsARegistryOnThisMachine(String name) {
    assertThat(OllamaModelName.parse(name).isLoopbackRegistry()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "llama3.2:1b",
        "someone/model",
        "10.0.0.5:5000/library/tiny",
        "registry.example.com/library/tiny",
        "127.0.0.1.example.com/library/tiny"
      })
  void treatsEveryOtherRegistryAsRemote(String name) {
    assertThat(OllamaModelName.parse(name).isLoopbackRegistry()).isFalse();
  }

  @ParameterizedTest
  @CsvSource({
    "tiny, tiny:latest",
    "127.0.0.1:5000/library/tiny, 127.0.0.1:5000/library/tiny:latest",
    "registry.ollama.ai/library/llama3.2:1b, llama3.2:1b"
  })
  void matchesTheNameTagsListsForIt(String requested, String listed) {
    assertThat(OllamaModelName.parse(requested).sameModelAs(listed)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a/b/c/d", "host//model", "model:"})
  void rejectsNamesOllamaWouldNot(String name) {
    assertThatThrownBy(() -> OllamaModelName.parse(name))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
