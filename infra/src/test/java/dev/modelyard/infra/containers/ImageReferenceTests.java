package dev.modelyard.infra.containers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ImageReferenceTests {

  @Test
  void aColonBeforeTheLastSlashIsARegistryPortNotATag() {
    assertThat(ImageReference.parse("127.0.0.1:5000/modelyard/busybox:test"))
        .isEqualTo(new ImageReference("127.0.0.1:5000/modelyard/busybox", "test"));
    assertThat(ImageReference.parse("127.0.0.1:5000/busybox"))
        .isEqualTo(new ImageReference("127.0.0.1:5000/busybox", "latest"));
  }

  @Test
  void anUntaggedImageMeansLatestSoThatOnlyOneTagIsPulled() {
    assertThat(ImageReference.parse("ollama/ollama"))
        .isEqualTo(new ImageReference("ollama/ollama", "latest"));
  }

  @Test
  void aDigestIsPassedWhereTheTagGoes() {
    String digest = "sha256:" + "a".repeat(64);

    assertThat(ImageReference.parse("vllm/vllm-openai:v0.9@" + digest))
        .isEqualTo(new ImageReference("vllm/vllm-openai:v0.9", digest));
  }
}
