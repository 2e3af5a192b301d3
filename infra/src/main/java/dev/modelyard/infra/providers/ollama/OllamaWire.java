package dev.modelyard.infra.providers.ollama;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/** Ollama's JSON bodies, as sent and received; callers see the public records instead. */
final class OllamaWire {

  /**
   * snake_case names; unset options left out so that Ollama keeps the model's defaults. Ollama
   * omits counts it has nothing for (a pull step without bytes, a load that did not happen), so an
   * absent number reads as 0.
   */
  static final JsonMapper JSON =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .changeDefaultPropertyInclusion(
              inclusion -> inclusion.withValueInclusion(JsonInclude.Include.NON_NULL))
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .build();

  record VersionResponse(String version) {}

  record TagsResponse(List<OllamaModel> models) {}

  record PsResponse(List<RunningModel> models) {}

  record GenerateRequest(String model, String prompt, boolean stream, GenerationOptions options) {}

  /** Durations are in nanoseconds. */
  record GenerateResponse(
      String model,
      String response,
      String doneReason,
      int promptEvalCount,
      int evalCount,
      long totalDuration,
      long loadDuration,
      long promptEvalDuration,
      long evalDuration) {}

  record PullRequest(String model, boolean insecure, boolean stream) {}

  /** A progress line, or an error line when the pull failed after the stream began. */
  record PullLine(String status, String digest, long total, long completed, String error) {}

  record DeleteRequest(String model) {}

  private OllamaWire() {}
}
