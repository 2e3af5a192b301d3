package dev.modelyard.api.containers;

import dev.modelyard.api.models.ResourceRequirementsBody;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** {@code POST /api/v1/local-llm/containers/create}: a registered GGUF or Ollama model to run. */
record CreateContainerRequest(
    @NotBlank String provider,
    @NotBlank @Size(max = 200) String modelName,
    @Valid ResourceRequirementsBody resourceRequirements) {}
