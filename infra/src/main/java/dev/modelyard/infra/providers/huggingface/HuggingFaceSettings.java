package dev.modelyard.infra.providers.huggingface;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the Hugging Face Hub (or a mirror that speaks its API) is, and how long to wait for it.
 *
 * @param endpoint e.g. {@code https://huggingface.co}, as HF_ENDPOINT gives it
 * @param connectTimeout how long to wait for a connection
 * @param requestTimeout how long to wait for an answer to begin; a download's body may take longer
 * @param userAgent what requests call themselves; mirrors log it, so naming the host helps there
 */
public record HuggingFaceSettings(
    URI endpoint, Duration connectTimeout, Duration requestTimeout, String userAgent) {

  public static final URI HUB = URI.create("https://huggingface.co");
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);
  public static final String DEFAULT_USER_AGENT = "modelyard";

  public HuggingFaceSettings {
    Objects.requireNonNull(endpoint, "endpoint");
    if (!"http".equals(endpoint.getScheme()) && !"https".equals(endpoint.getScheme())) {
      throw new IllegalArgumentException(
          "Hugging Face endpoint must be http:// or https://, was " + endpoint);
    }
    requirePositive(connectTimeout, "connectTimeout");
    requirePositive(requestTimeout, "requestTimeout");
    if (userAgent == null || userAgent.isBlank() || userAgent.chars().anyMatch(c -> c < 0x20)) {
      throw new IllegalArgumentException(
          "userAgent must be printable text, was '" + userAgent + "'");
    }
  }

  public static HuggingFaceSettings of(URI endpoint) {
    return new HuggingFaceSettings(
        endpoint, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, DEFAULT_USER_AGENT);
  }

  public HuggingFaceSettings withUserAgent(String value) {
    return new HuggingFaceSettings(endpoint, connectTimeout, requestTimeout, value);
  }

  private static void requirePositive(Duration value, String what) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, was " + value);
    }
  }
}
