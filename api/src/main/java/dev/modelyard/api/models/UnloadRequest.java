package dev.modelyard.api.models;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** {@code POST /api/v1/local-llm/models/unload}. */
record UnloadRequest(@NotBlank String provider, @NotBlank @Size(max = 200) String modelName) {}
