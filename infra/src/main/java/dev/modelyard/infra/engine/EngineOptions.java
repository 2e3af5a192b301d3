package dev.modelyard.infra.engine;

/** How a model is loaded into the engine: context per slot, CPU threads and parallel slots. */
public record EngineOptions(int contextLength, int cpuThreads, int parallelSlots) {

  public static final int DEFAULT_CONTEXT = 2048;
  public static final int DEFAULT_SLOTS = 2;

  public EngineOptions {
    if (contextLength < 64) {
      throw new IllegalArgumentException("contextLength must be at least 64, was " + contextLength);
    }
    if (cpuThreads < 1) {
      throw new IllegalArgumentException("cpuThreads must be at least 1, was " + cpuThreads);
    }
    if (parallelSlots < 1) {
      throw new IllegalArgumentException("parallelSlots must be at least 1, was " + parallelSlots);
    }
  }

  /** Fills unset values with defaults for this machine. */
  public static EngineOptions of(Integer contextLength, Integer cpuThreads, Integer parallelSlots) {
    return new EngineOptions(
        contextLength != null ? contextLength : DEFAULT_CONTEXT,
        cpuThreads != null ? cpuThreads : Runtime.getRuntime().availableProcessors(),
        parallelSlots != null ? parallelSlots : DEFAULT_SLOTS);
  }
}
