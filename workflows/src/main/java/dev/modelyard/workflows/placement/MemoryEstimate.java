package dev.modelyard.workflows.placement;

/**
 * How much memory an instance of a model needs: its weights, its KV cache and a fixed overhead.
 *
 * <ul>
 *   <li>Weights: parameter count × bits per weight of the quantisation ({@link BitsPerWeight}).
 *       When the type is unknown the file size stands in for the weights (a GGUF file is its
 *       weights plus a small header); with neither, F16 is assumed.
 *   <li>KV cache: keys and values in F16 for every token of context, {@code 2 × 2 B × layers ×
 *       kvEmbedding} per token when the shape is known. Otherwise a dense transformer without
 *       grouped-query attention is assumed: {@code P ≈ 12 × layers × d²} with {@code layers ≈ d /
 *       128} (true of Llama 2 7B/13B), so {@code d = ∛(128 P / 12)} and a token takes {@code d² /
 *       32} bytes. That is 0.5 MiB per token at 7B: exact for Llama 2, about four times too much
 *       for models with grouped-query attention. Too much is safe; too little is an out-of-memory.
 *   <li>Overhead: {@link #OVERHEAD_BYTES}, for the CUDA context and llama.cpp's compute buffers.
 * </ul>
 *
 * Integer arithmetic only, so that the same facts give the same bytes on every machine.
 */
public record MemoryEstimate(long weightsBytes, long kvCacheBytes, long overheadBytes) {

  /** The CUDA context (about 300 MiB) plus llama.cpp's compute buffers at its default batch. */
  public static final long OVERHEAD_BYTES = 512L * 1024 * 1024;

  public MemoryEstimate {
    if (weightsBytes < 0 || kvCacheBytes < 0 || overheadBytes < 0) {
      throw new IllegalArgumentException(
          "memory estimates must not be negative: weights %d, kv %d, overhead %d"
              .formatted(weightsBytes, kvCacheBytes, overheadBytes));
    }
  }

  /**
   * The estimate for an instance holding {@code contextTokens} tokens of KV cache in all (the
   * context per slot × the slots).
   */
  public static MemoryEstimate of(ModelFacts facts, long contextTokens) {
    if (contextTokens < 0) {
      throw new IllegalArgumentException(
          "contextTokens must not be negative, was " + contextTokens);
    }
    return new MemoryEstimate(
        weightsBytes(facts), contextTokens * kvBytesPerToken(facts), OVERHEAD_BYTES);
  }

  public long totalBytes() {
    return weightsBytes + kvCacheBytes + overheadBytes;
  }

  /** For people: "5.61 GiB (weights 3.80 GiB, KV cache 1.31 GiB, overhead 0.50 GiB)". */
  public String describe() {
    return "%s (weights %s, KV cache %s, overhead %s)"
        .formatted(
            Gib.format(totalBytes()),
            Gib.format(weightsBytes),
            Gib.format(kvCacheBytes),
            Gib.format(overheadBytes));
  }

  static long weightsBytes(ModelFacts facts) {
    int centibits = BitsPerWeight.centibits(facts.quantisation());
    if (centibits == 0 && facts.fileSizeBytes() > 0) {
      return facts.fileSizeBytes();
    }
    long perWeight = centibits == 0 ? BitsPerWeight.UNKNOWN : centibits;
    // Rounded up: hundredths of a bit per weight, 800 of them to a byte.
    return Math.ceilDiv(Math.multiplyExact(facts.parameterCount(), perWeight), 800);
  }

  static long kvBytesPerToken(ModelFacts facts) {
    if (facts.layers() > 0 && facts.kvEmbedding() > 0) {
      return 4L * facts.layers() * facts.kvEmbedding();
    }
    long width = cubeRoot(Math.ceilDiv(Math.multiplyExact(facts.parameterCount(), 128), 12));
    return Math.ceilDiv(width * width, 32);
  }

  /** The smallest integer whose cube is at least {@code n}. */
  static long cubeRoot(long n) {
    long low = 0;
    long high = 2_097_151; // 2^21 - 1: the largest whose cube is still a long
    while (low < high) {
      long mid = (low + high) >>> 1;
      if (mid * mid * mid >= n) {
        high = mid;
      } else {
        low = mid + 1;
      }
    }
    return low;
  }
}
