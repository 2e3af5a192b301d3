package dev.modelyard.infra.providers.cloud;

import dev.modelyard.infra.providers.WholeAnswers;
import dev.modelyard.infra.providers.openai.UpstreamException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The HTTP calls every cloud adapter makes: a JSON POST whose non-2xx answer becomes an {@link
 * UpstreamException} naming the provider and the status, never the key.
 */
public final class CloudHttp {

  private static final int SNIPPET = 300;
  // Enough for SNIPPET characters and one more, however many bytes each takes in UTF-8.
  private static final int SNIPPET_BYTES = 4 * (SNIPPET + 1);

  private final String provider;
  private final CloudProviderSettings settings;
  private final HttpClient http;

  public CloudHttp(String provider, CloudProviderSettings settings) {
    this.provider = provider;
    this.settings = settings;
    this.http = HttpClient.newBuilder().connectTimeout(settings.connectTimeout()).build();
  }

  /** A JSON POST to a path under the base URI; the caller adds its authentication headers. */
  public HttpRequest.Builder post(String pathAndQuery, byte[] body) {
    return HttpRequest.newBuilder(settings.resolve(pathAndQuery))
        .timeout(settings.requestTimeout())
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
  }

  /**
   * A whole answer within the request timeout (of a refusal, what the message keeps). The request's
   * own timeout ends with the response's headers: a provider (or a proxy) that sends them and then
   * stalls in the body would hold the caller for good.
   */
  public byte[] send(HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<byte[]> response =
        WholeAnswers.within(
            http,
            request,
            info ->
                info.statusCode() / 100 == 2
                    ? HttpResponse.BodySubscribers.ofByteArray()
                    : new FirstBytes(SNIPPET_BYTES),
            provider);
    if (response.statusCode() / 100 != 2) {
      throw refused(request.uri(), response.statusCode(), response.body());
    }
    return response.body();
  }

  /**
   * The answer's body once the provider accepted the request within {@code accepted}; closing it
   * cancels the request. Of a refusal's body, only what the message keeps is read, within that time
   * too, like {@link #send}'s within its timeout: a provider that sent an error's headers and then
   * stalled would otherwise hold the caller for good, and one whose error never ended would fill
   * its memory.
   */
  public InputStream stream(HttpRequest request, Duration accepted)
      throws IOException, InterruptedException {
    HttpRequest withinAccepted =
        HttpRequest.newBuilder(request, (name, value) -> true).timeout(accepted).build();
    HttpResponse<InputStream> response =
        WholeAnswers.within(
            http,
            withinAccepted,
            info ->
                info.statusCode() / 100 == 2
                    ? HttpResponse.BodySubscribers.ofInputStream()
                    : HttpResponse.BodySubscribers.mapping(
                        new FirstBytes(SNIPPET_BYTES), ByteArrayInputStream::new),
            provider);
    if (response.statusCode() / 100 != 2) {
      try (InputStream error = response.body()) {
        throw refused(request.uri(), response.statusCode(), error.readAllBytes());
      }
    }
    return response.body();
  }

  private UpstreamException refused(URI uri, int status, byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    String snippet = text.length() > SNIPPET ? text.substring(0, SNIPPET) + "…" : text;
    // The path without the query: Gemini's alt=sse is noise, and no key ever travels in a URI here.
    return new UpstreamException(
        status, provider + " (" + uri.getPath() + ") answered " + status + ": " + snippet);
  }
}
