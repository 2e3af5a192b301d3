package dev.modelyard.infra.providers.huggingface;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ContentRangeTests {

  @Test
  void aPartialAnswerNamesItsFirstAndLastByteAndTheWholeSize() {
    assertThat(ContentRange.parse("bytes 875280-1750559/1750560"))
        .isEqualTo(new ContentRange(875280, 1750559, 1750560));
  }

  @Test
  void anUnsatisfiableRangeAnswerNamesOnlyTheSize() {
    assertThat(ContentRange.parse("bytes */1750560")).isEqualTo(new ContentRange(-1, -1, 1750560));
  }

  @Test
  void anUnknownSizeIsMinusOne() {
    assertThat(ContentRange.parse("bytes 0-99/*").total()).isEqualTo(-1);
  }

  @Test
  void rejectsUnitsOtherThanBytes() {
    assertThatThrownBy(() -> ContentRange.parse("items 0-9/10"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("items 0-9/10");
  }
}
