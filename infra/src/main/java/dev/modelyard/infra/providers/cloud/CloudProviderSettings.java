package dev.modelyard.infra.providers.cloud;

import dev.modelyard.infra.settings.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Where one cloud provider's API is, the key it takes and how long to wait for it. Tests point the
 * base URI at a local server; production uses each adapter's {@code DEFAULT_BASE_URI}.
 *
 * @param baseUri scheme, host and optional path prefix, e.g. {@code https://api.openai.com}
 * @param apiKey the provider's key; it has no default and never shows in toString
 * @param connectTimeout how long to wait for a connection
 * @param requestTimeout how long to wait for an answer to begin; it bounds a whole non-streamed
 *     generation, but not the rest of a stream once its first byte came
 */
public record CloudProviderSettings(
    URI baseUri, Secret apiKey, Duration connectTimeout, Duration requestTimeout) {

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** Long answers from large cloud models take a minute or more when not streamed. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofMinutes(3);

  public CloudProviderSettings {
    Objects.requireNonNull(baseUri, "baseUri");
    if (!"http".equals(baseUri.getScheme()) && !"https".equals(baseUri.getScheme())) {
      throw new IllegalArgumentException(
          "cloud provider base URI must be http:// or https://, was " + baseUri);
    }
    Objects.requireNonNull(apiKey, "apiKey");
    requirePositive(connectTimeout, "connectTimeout");
    requirePositive(requestTimeout, "requestTimeout");
  }

  public static CloudProviderSettings of(URI baseUri, Secret apiKey) {
    return new CloudProviderSettings(
        baseUri, apiKey, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT);
  }

  /** The base URI with a path appended, keeping any path prefix (a proxy's, say) of the base. */
  public URI resolve(String pathAndQuery) {
    String base = baseUri.toString();
    return URI.create(
        (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + pathAndQuery);
  }

  private static void requirePositive(Duration value, String what) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, was " + value);
    }
  }
}
