package dev.modelyard.api.models;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** {@code POST /api/v1/local-llm/models/load}. */
record LoadRequest(
    @NotBlank String provider,
    @NotBlank @Size(max = 200) String modelName,
    @Valid ResourceRequirementsBody resourceRequirements) {}
