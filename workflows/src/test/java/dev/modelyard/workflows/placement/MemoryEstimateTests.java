package dev.modelyard.workflows.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MemoryEstimateTests {

  private static final long GIB = 1024L * 1024 * 1024;
  private static final long LLAMA_2_7B = 6_738_415_616L;

  @Test
  void weightsAreParametersTimesBitsPerWeight() {
    // llama.cpp's Q4_K_M file of Llama 2 7B is 4.08 GB; F16 is 13.5 GB; Q8_0 7.16 GB.
    assertThat(weights("Q4_K_M")).isEqualTo(4_118_856_546L);
    assertThat(weights("F16")).isEqualTo(13_476_831_232L);
    assertThat(weights("Q8_0")).isEqualTo(7_159_566_592L);
    assertThat(weights("F32")).isEqualTo(2 * weights("F16"));
  }

  @Test
  void anUnknownQuantisationTakesTheFileSizeOrElseF16() {
    assertThat(MemoryEstimate.weightsBytes(ModelFacts.of(LLAMA_2_7B, "Q9_X", 5_000_000_000L)))
        .isEqualTo(5_000_000_000L);
    assertThat(MemoryEstimate.weightsBytes(ModelFacts.of(LLAMA_2_7B, null, 0)))
        .isEqualTo(weights("F16"));
  }

  @Test
  void withoutTheShapeTheKvCacheIsThatOfADenseLlama() {
    // Llama 2 7B: 32 layers × 4096 wide × K and V × 2 bytes = 512 KiB per token.
    long perToken = MemoryEstimate.kvBytesPerToken(ModelFacts.of(LLAMA_2_7B, "Q4_K_M", 0));

    assertThat(perToken).isBetween(512L * 1024, 540L * 1024);
  }

  @Test
  void withTheShapeTheKvCacheIsExact() {
    // Llama 3 8B: 32 layers, 8 KV heads × 128 = 1024 wide: 128 KiB per token.
    ModelFacts llama3 = new ModelFacts(8_030_261_248L, "Q4_K_M", 0, 32, 1024);

    MemoryEstimate estimate = MemoryEstimate.of(llama3, 8192);

    assertThat(estimate.kvCacheBytes()).isEqualTo(1 * GIB);
  }

  @Test
  void theTotalIsWeightsKvCacheAndTheFixedOverhead() {
    MemoryEstimate estimate = MemoryEstimate.of(ModelFacts.of(LLAMA_2_7B, "Q4_K_M", 0), 4096);

    assertThat(estimate.overheadBytes()).isEqualTo(MemoryEstimate.OVERHEAD_BYTES);
    assertThat(estimate.totalBytes())
        .isEqualTo(estimate.weightsBytes() + estimate.kvCacheBytes() + 512L * 1024 * 1024);
    assertThat(estimate.describe())
        .matches(
            "6\\.\\d\\d GiB \\(weights 3\\.84 GiB, KV cache 2\\.\\d\\d GiB, overhead 0\\.50 GiB\\)");
  }

  @Test
  void theTinyTestModelNeedsLittleMoreThanTheOverhead() {
    MemoryEstimate estimate =
        MemoryEstimate.of(ModelFacts.of(1_000_000, "F16", 1_750_560), 2 * 2048);

    assertThat(estimate.totalBytes()).isBetween(MemoryEstimate.OVERHEAD_BYTES, 530L * 1024 * 1024);
  }

  @Test
  void cubeRootIsTheSmallestWholeRootAtOrAbove() {
    assertThat(MemoryEstimate.cubeRoot(0)).isZero();
    assertThat(MemoryEstimate.cubeRoot(27)).isEqualTo(3);
    assertThat(MemoryEstimate.cubeRoot(28)).isEqualTo(4);
    assertThat(MemoryEstimate.cubeRoot(Long.MAX_VALUE)).isEqualTo(2_097_151);
  }

  @Test
  void negativeInputsAreRejectedWithTheValue() {
    assertThatThrownBy(() -> MemoryEstimate.of(ModelFacts.of(1, "F16", 0), -1))
        .hasMessage("contextTokens must not be negative, was -1");
  }

  private static long weights(String quantisation) {
    return MemoryEstimate.weightsBytes(ModelFacts.of(LLAMA_2_7B, quantisation, 0));
  }
}
