package dev.modelyard.workflows.deployments;

/**
 * What an instance may use. Null fields take the runtime's defaults; the API validates ranges
 * before a workflow ever sees them.
 */
public record ResourceRequirements(
    Integer contextLength, Integer cpuThreads, Integer parallelSlots) {

  public static final ResourceRequirements DEFAULTS = new ResourceRequirements(null, null, null);
}
