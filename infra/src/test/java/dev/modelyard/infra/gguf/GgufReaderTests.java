package dev.modelyard.infra.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelyard.testing.TestServices;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufReaderTests {

  @Test
  void readsTheTinyModelsHeader() throws Exception {
    GgufMetadata metadata = GgufReader.read(TestServices.tinyModel());

    assertThat(metadata.version()).isEqualTo(3);
    assertThat(metadata.architecture()).isEqualTo("llama");
    assertThat(metadata.contextLength()).isEqualTo(4096);
    assertThat(metadata.quantisation()).isEqualTo("F16");
    assertThat(metadata.tensorCount()).isPositive();
    // F16 weights: two bytes a parameter, so the count is bounded by the file size.
    assertThat(metadata.parameterCount())
        .isPositive()
        .isLessThan(Files.size(TestServices.tinyModel()) / 2);
  }

  @Test
  void rejectsAFileThatIsNotGguf(@TempDir Path dir) throws Exception {
    Path text = Files.writeString(dir.resolve("notes.gguf"), "hello, this is not a model");

    assertThatThrownBy(() -> GgufReader.read(text))
        .isInstanceOf(GgufFormatException.class)
        .hasMessageContaining("bad magic");
  }

  @Test
  void rejectsATruncatedHeader(@TempDir Path dir) throws Exception {
    byte[] start = new byte[64];
    try (var in = Files.newInputStream(TestServices.tinyModel())) {
      in.readNBytes(start, 0, start.length);
    }
    Path truncated = Files.write(dir.resolve("truncated.gguf"), start);

    assertThatThrownBy(() -> GgufReader.read(truncated)).isInstanceOf(java.io.IOException.class);
  }
}
