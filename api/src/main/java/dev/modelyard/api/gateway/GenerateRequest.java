package dev.modelyard.api.gateway;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.deser.jdk.StringDeserializer;

/** {@code POST /api/v1/local-llm/generate}. */
record GenerateRequest(
    // Prompts go to the backend as they are, NUL included, as on OpenAI's endpoints: only text
    // the API stores refuses it (StrictJson).
    @NotBlank @Size(max = 200_000) @JsonDeserialize(using = StringDeserializer.class) String prompt,
    @Size(max = 50_000) @JsonDeserialize(using = StringDeserializer.class) String systemPrompt,
    @DecimalMin("0.0") @DecimalMax("2.0") Double temperature,
    @Min(1) @Max(32_768) Integer maxTokens,
    String providerPreference,
    @Size(max = 200) String modelPreference,
    Boolean useCache) {

  static final int DEFAULT_MAX_TOKENS = 256;
  static final double DEFAULT_TEMPERATURE = 0.7;

  double temperatureOrDefault() {
    return temperature != null ? temperature : DEFAULT_TEMPERATURE;
  }

  int maxTokensOrDefault() {
    return maxTokens != null ? maxTokens : DEFAULT_MAX_TOKENS;
  }
}
