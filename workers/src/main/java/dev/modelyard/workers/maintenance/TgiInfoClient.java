package dev.modelyard.workers.maintenance;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.modelyard.infra.providers.WholeAnswers;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Reads {@code GET /info} of a text-generation-inference server: which model it serves. */
final class TgiInfoClient implements AutoCloseable {

  private static final JsonMapper JSON =
      JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  private final URI baseUrl;
  private final HttpClient http;

  TgiInfoClient(URI baseUrl) {
    this.baseUrl = baseUrl;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  URI baseUrl() {
    return baseUrl;
  }

  Info info() throws IOException, InterruptedException {
    var response =
        WholeAnswers.within(
            http,
            HttpRequest.newBuilder(baseUrl.resolve("/info"))
                .timeout(MaintenanceWorkersConfiguration.DISCOVERY_ANSWER)
                .build(),
            BodyHandlers.ofByteArray(),
            "TGI at " + baseUrl + " /info");
    if (response.statusCode() != 200) {
      throw new IOException(
          "TGI at " + baseUrl + " answered " + response.statusCode() + " to /info");
    }
    Info info = JSON.readValue(response.body(), Info.class);
    if (info.modelId() == null || info.modelId().isBlank()) {
      throw new IOException("TGI at " + baseUrl + " names no model_id in /info");
    }
    return info;
  }

  @Override
  public void close() {
    http.close();
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Info(
      @JsonProperty("model_id") String modelId,
      @JsonProperty("model_sha") String modelSha,
      @JsonProperty("quantize") String quantize,
      @JsonProperty("max_input_length") @JsonAlias("max_input_tokens") Integer maxInputLength,
      @JsonProperty("max_total_tokens") Integer maxTotalTokens) {

    /** The context window: input and output together, or the input alone if that is all. */
    Integer contextLength() {
      return maxTotalTokens != null ? maxTotalTokens : maxInputLength;
    }
  }
}
