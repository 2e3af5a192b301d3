package dev.modelyard.infra.providers.cloud.google;

import dev.modelyard.infra.providers.openai.OpenAiJson;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/** Gemini's wire format: OpenAI's mapper settings, but Google's lowerCamelCase names. */
final class GeminiJson {

  static final JsonMapper MAPPER =
      OpenAiJson.MAPPER
          .rebuild()
          .propertyNamingStrategy(PropertyNamingStrategies.LOWER_CAMEL_CASE)
          .build();

  private GeminiJson() {}
}
