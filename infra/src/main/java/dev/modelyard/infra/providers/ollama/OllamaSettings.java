package dev.modelyard.infra.providers.ollama;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Where an Ollama server listens and how long to wait for it.
 *
 * @param baseUrl e.g. {@code http://127.0.0.1:11434}, as OLLAMA_HOST gives it
 * @param connectTimeout how long to wait for a connection
 * @param requestTimeout how long to wait for an answer to begin; it bounds a whole non-streamed
 *     generation (Ollama answers only when it is done), but not the progress stream of a pull
 */
public record OllamaSettings(URI baseUrl, Duration connectTimeout, Duration requestTimeout) {

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** Long enough for a cold model load plus a modest generation on a CPU. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofMinutes(5);

  public OllamaSettings {
    Objects.requireNonNull(baseUrl, "baseUrl");
    if (!"http".equals(baseUrl.getScheme()) && !"https".equals(baseUrl.getScheme())) {
      throw new IllegalArgumentException(
          "Ollama base URL must be http:// or https://, was " + baseUrl);
    }
    requirePositive(connectTimeout, "connectTimeout");
    requirePositive(requestTimeout, "requestTimeout");
  }

  public static OllamaSettings of(URI baseUrl) {
    return new OllamaSettings(baseUrl, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT);
  }

  private static void requirePositive(Duration value, String what) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, was " + value);
    }
  }
}
