package dev.modelyard.workflows.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HuggingFaceFileTests {

  @Test
  void splitsTheRepositoryFromTheFilePath() {
    assertThat(HuggingFaceFile.parse("TheBloke/Llama-2-7B-GGUF/llama-2-7b.Q4_K_M.gguf"))
        .isEqualTo(new HuggingFaceFile("TheBloke/Llama-2-7B-GGUF", "llama-2-7b.Q4_K_M.gguf"));
  }

  @Test
  void keepsFoldersInsideTheRepository() {
    HuggingFaceFile file = HuggingFaceFile.parse("org/repo/Q4_K_M/model-00001-of-00002.gguf");

    assertThat(file.repo()).isEqualTo("org/repo");
    assertThat(file.path()).isEqualTo("Q4_K_M/model-00001-of-00002.gguf");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "org/repo",
        "org/repo/",
        "../repo/file.gguf",
        "org/../file.gguf",
        "org/repo/../../etc/passwd",
        "org/repo/a//b.gguf",
        "org/repo/./b.gguf",
        "org/re po/file.gguf",
        "org/repo/a\\..\\b.gguf"
      })
  void rejectsNamesThatAreNotAFileInARepository(String name) {
    assertThatThrownBy(() -> HuggingFaceFile.parse(name))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
