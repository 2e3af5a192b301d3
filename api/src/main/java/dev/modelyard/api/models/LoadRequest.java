package dev.modelyard.api.models;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** {@code POST /api/v1/local-llm/models/load}. */
record LoadRequest(
    @NotBlank String provider,
    @NotBlank @Size(max = 200) String modelName,
    @Valid ResourceRequirementsBody resourceRequirements) {

  record ResourceRequirementsBody(
      @Min(64) @Max(1_048_576) Integer contextLength,
      @Min(1) @Max(512) Integer cpuThreads,
      @Min(1) @Max(256) Integer parallelSlots) {}
}
