package dev.modelyard.infra.providers.cloud;

import dev.modelyard.infra.providers.Snippets;
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
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The HTTP calls every cloud adapter makes: a JSON POST whose non-2xx answer becomes an {@link
 * UpstreamException} naming the provider and the status, never the key.
 */
public final class CloudHttp {

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
            answerOrRefusal(HttpResponse.BodySubscribers::ofByteArray, refusal -> refusal),
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
            answerOrRefusal(HttpResponse.BodySubscribers::ofInputStream, ByteArrayInputStream::new),
            provider);
    if (response.statusCode() / 100 != 2) {
      try (InputStream error = response.body()) {
        throw refused(request.uri(), response.statusCode(), error.readAllBytes());
      }
    }
    return response.body();
  }

  /** A 2xx's body as {@code answer} reads it; of a refusal's, only what its message quotes. */
  private static <T> HttpResponse.BodyHandler<T> answerOrRefusal(
      Supplier<HttpResponse.BodySubscriber<T>> answer, Function<byte[], T> refusal) {
    return info ->
        info.statusCode() / 100 == 2
            ? answer.get()
            : HttpResponse.BodySubscribers.mapping(new FirstBytes(Snippets.BYTES), refusal);
  }

  private UpstreamException refused(URI uri, int status, byte[] body) {
    String snippet = Snippets.of(new String(body, StandardCharsets.UTF_8));
    // The path without the query: Gemini's alt=sse is noise, and no key ever travels in a URI here.
    return new UpstreamException(
        status, provider + " (" + uri.getPath() + ") answered " + status + ": " + snippet);
  }
}
