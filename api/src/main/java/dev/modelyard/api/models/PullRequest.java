package dev.modelyard.api.models;

import dev.modelyard.infra.settings.HostSettings;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * {@code POST /api/v1/local-llm/models/pull}. {@code path} is required for local_gguf; {@code file}
 * names the GGUF file in a huggingface repository (or write {@code model_name} as
 * "org/repo/file.gguf"). {@code host}, when given, pins the pull to a host some worker has reported
 * from; otherwise the registry chooses.
 */
record PullRequest(
    @NotBlank String provider,
    @NotBlank @Size(max = 200) String modelName,
    @Size(max = 4096) String path,
    @Size(max = 300) String file,
    @Min(0) @Max(10) Integer priority,
    @Size(max = HostSettings.MAX_LENGTH) String host) {}
