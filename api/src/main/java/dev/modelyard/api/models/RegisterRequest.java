package dev.modelyard.api.models;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * {@code POST /api/v1/local-llm/models/register}: a running OpenAI-compatible server (vLLM,
 * llama.cpp's server, LM Studio) or text-generation-inference server, by base URL and model name.
 */
record RegisterRequest(
    @NotBlank String provider,
    @NotBlank @Size(max = 200) String modelName,
    @NotBlank
        @Size(max = 2048)
        @Pattern(regexp = "https?://[^\\s]+", message = "must be an http:// or https:// URL")
        String baseUrl) {}
