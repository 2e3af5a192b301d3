package dev.modelyard.workflows.placement;

/**
 * What a model's memory need is estimated from, as its GGUF header or provider reports it. Counts
 * that are not known are 0 (and the quantisation null); {@code layers} and {@code kvEmbedding} (the
 * width of one layer's keys, {@code head_count_kv × head_dim}) make the KV cache exact when both
 * are known.
 */
public record ModelFacts(
    long parameterCount, String quantisation, long fileSizeBytes, int layers, int kvEmbedding) {

  public ModelFacts {
    if (parameterCount < 0 || fileSizeBytes < 0 || layers < 0 || kvEmbedding < 0) {
      throw new IllegalArgumentException(
          "model facts must not be negative: parameters %d, file %d B, layers %d, kv width %d"
              .formatted(parameterCount, fileSizeBytes, layers, kvEmbedding));
    }
  }

  /** Facts without the layer shape, which the registry does not hold yet. */
  public static ModelFacts of(long parameterCount, String quantisation, long fileSizeBytes) {
    return new ModelFacts(parameterCount, quantisation, fileSizeBytes, 0, 0);
  }
}
