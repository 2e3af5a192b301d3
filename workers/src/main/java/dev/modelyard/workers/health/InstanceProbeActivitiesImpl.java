package dev.modelyard.workers.health;

import dev.modelyard.infra.providers.WholeAnswers;
import dev.modelyard.infra.providers.openai.ChatCompletionRequest;
import dev.modelyard.infra.providers.openai.ChatCompletionResponse;
import dev.modelyard.infra.providers.openai.ChatMessage;
import dev.modelyard.infra.providers.openai.OpenAiCompatibleClient;
import dev.modelyard.infra.providers.openai.UpstreamException;
import dev.modelyard.workflows.health.InstanceProbeActivities;
import dev.modelyard.workflows.health.ProbeOutcome;
import dev.modelyard.workflows.health.ProbeRequest;
import dev.modelyard.workflows.health.ProbeResult;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Probes an instance the way the gateway will use it: {@code GET /health}, then a one-token chat
 * completion. Only what says the instance is not serving is a failure (connection refused, a 5xx,
 * no answer at all); an instance that is alive but slow to generate is busy, not dead.
 */
public class InstanceProbeActivitiesImpl implements InstanceProbeActivities {

  private static final int DETAIL_LIMIT = 300;
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);

  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(CONNECT_TIMEOUT)
          .version(HttpClient.Version.HTTP_1_1)
          .build();

  /** One client per generation timeout: the policy names one, so in practice this holds one. */
  private final Map<Duration, OpenAiCompatibleClient> generationClients = new ConcurrentHashMap<>();

  @Override
  public ProbeResult probe(ProbeRequest request) {
    if (request.endpoint() == null) {
      return failed(request, 0, "no endpoint recorded");
    }
    URI endpoint = URI.create(request.endpoint());
    String dead = liveness(endpoint, request.livenessTimeout());
    if (dead != null) {
      return failed(request, 0, "liveness: " + dead);
    }
    return generation(request, endpoint);
  }

  /** Null when the instance answered {@code /health} (or has none); else why it is not alive. */
  private String liveness(URI endpoint, Duration timeout) {
    try {
      HttpResponse<Void> response =
          WholeAnswers.within(
              http,
              HttpRequest.newBuilder(endpoint.resolve("/health")).timeout(timeout).GET().build(),
              HttpResponse.BodyHandlers.discarding(),
              endpoint + " /health");
      // Some OpenAI-compatible servers have no /health: a 404 says nothing, the generation decides.
      return response.statusCode() >= 500 ? "answered " + response.statusCode() : null;
    } catch (IOException e) {
      return describe(e, timeout);
    } catch (InterruptedException e) {
      throw interrupted(e);
    }
  }

  private ProbeResult generation(ProbeRequest request, URI endpoint) {
    Duration timeout = request.generationTimeout();
    OpenAiCompatibleClient client =
        generationClients.computeIfAbsent(
            timeout, t -> new OpenAiCompatibleClient(CONNECT_TIMEOUT, t));
    long started = System.nanoTime();
    try {
      ChatCompletionResponse answer =
          client.chat(
              endpoint,
              new ChatCompletionRequest(
                  request.modelName(), List.of(new ChatMessage("user", "ping")), 1, 0.0, 1, false));
      long millis = elapsedMillis(started);
      boolean generated =
          answer.usage() != null
              ? answer.usage().completionTokens() > 0
              : answer.choices() != null && !answer.choices().isEmpty();
      return generated
          ? new ProbeResult(request.instanceId(), ProbeOutcome.ANSWERED, millis, null)
          : failed(request, millis, "answered without generating a token");
    } catch (HttpConnectTimeoutException e) {
      return failed(request, elapsedMillis(started), "generation: " + describe(e, timeout));
    } catch (HttpTimeoutException e) {
      // It answered /health a moment ago: its slots are taken and our request waits in line.
      return new ProbeResult(
          request.instanceId(),
          ProbeOutcome.BUSY,
          elapsedMillis(started),
          "alive, but no token within " + timeout + ": requests are queued");
    } catch (UpstreamException e) {
      // 429 (and 408) is a server saying it is overloaded: busy. Any other status is a failure.
      boolean overloaded = e.status() == 429 || e.status() == 408;
      return overloaded
          ? new ProbeResult(
              request.instanceId(), ProbeOutcome.BUSY, elapsedMillis(started), clip(e.getMessage()))
          : failed(request, elapsedMillis(started), "generation: " + e.getMessage());
    } catch (IOException e) {
      return failed(request, elapsedMillis(started), "generation: " + describe(e, timeout));
    } catch (InterruptedException e) {
      throw interrupted(e);
    }
  }

  private static ProbeResult failed(ProbeRequest request, long millis, String detail) {
    return new ProbeResult(request.instanceId(), ProbeOutcome.FAILED, millis, clip(detail));
  }

  private static String describe(IOException e, Duration timeout) {
    if (e instanceof ConnectException) {
      return "connection refused";
    }
    if (e instanceof HttpTimeoutException) {
      return "no answer within " + timeout;
    }
    return e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : "");
  }

  private static long elapsedMillis(long startedNanos) {
    return Duration.ofNanos(System.nanoTime() - startedNanos).toMillis();
  }

  private static ApplicationFailure interrupted(InterruptedException e) {
    Thread.currentThread().interrupt();
    return ApplicationFailure.newFailureWithCause("interrupted while probing", "Interrupted", e);
  }

  private static String clip(String text) {
    return text == null || text.length() <= DETAIL_LIMIT
        ? text
        : text.substring(0, DETAIL_LIMIT) + "…";
  }
}
