package dev.modelyard.api.gateway;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.modelyard.api.errors.InvalidFieldException;
import dev.modelyard.api.errors.UnavailableException;
import dev.modelyard.infra.providers.openai.ChatCompletionRequest;
import dev.modelyard.infra.providers.openai.ChatCompletionResponse;
import dev.modelyard.infra.providers.openai.ChatMessage;
import dev.modelyard.infra.providers.openai.OpenAiCompatibleClient;
import dev.modelyard.infra.registry.RoutableInstance;
import dev.modelyard.workflows.models.Provider;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Serves a generation: answer from the cache when the request is deterministic, else pick a ready
 * instance round-robin and fail over to the next one on a connection error or 5xx.
 */
@Service
class GenerationRouter {

  private static final Logger log = LoggerFactory.getLogger(GenerationRouter.class);

  private final RoutingTable table;
  private final OpenAiCompatibleClient client =
      new OpenAiCompatibleClient(Duration.ofSeconds(2), Duration.ofMinutes(5));
  private final Cache<GenerationKey, GenerateResponse> cache =
      Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofHours(1)).build();
  private final AtomicInteger next = new AtomicInteger();

  GenerationRouter(RoutingTable table) {
    this.table = table;
  }

  GenerateResponse generate(GenerateRequest request) {
    long started = System.nanoTime();
    String provider = providerName(request.providerPreference());
    List<RoutableInstance> candidates = table.candidates(request.modelPreference(), provider);
    if (candidates.isEmpty()) {
      throw new UnavailableException(
          "no ready instance serves "
              + (request.modelPreference() != null
                  ? "model " + request.modelPreference()
                  : "any model")
              + "; load one with POST /api/v1/local-llm/models/load",
          null);
    }
    GenerationKey key =
        request.cacheable() ? GenerationKey.of(candidates.getFirst(), request) : null;
    if (key != null) {
      GenerateResponse hit = cache.getIfPresent(key);
      if (hit != null) {
        return hit.fromCache(elapsedMs(started));
      }
    }
    GenerateResponse response = callInOrder(rotate(candidates), request, started);
    if (key != null) {
      cache.put(key, response);
    }
    return response;
  }

  private GenerateResponse callInOrder(
      List<RoutableInstance> ordered, GenerateRequest request, long started) {
    IOException last = null;
    for (RoutableInstance instance : ordered) {
      try {
        ChatCompletionResponse answer = client.chat(URI.create(instance.endpoint()), chat(request));
        ChatCompletionResponse.Usage usage = answer.usage();
        return new GenerateResponse(
            answer.text(),
            instance.modelName(),
            instance.provider(),
            instance.instanceId(),
            usage != null ? usage.promptTokens() : 0,
            usage != null ? usage.completionTokens() : 0,
            usage != null ? usage.totalTokens() : 0,
            elapsedMs(started),
            false);
      } catch (IOException e) {
        log.warn("instance {} failed, trying the next: {}", instance.instanceId(), e.getMessage());
        last = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UnavailableException("interrupted while generating", e);
      }
    }
    throw new UnavailableException(
        "every instance failed; last error: " + (last != null ? last.getMessage() : "none"), last);
  }

  private List<RoutableInstance> rotate(List<RoutableInstance> candidates) {
    int start = Math.floorMod(next.getAndIncrement(), candidates.size());
    List<RoutableInstance> ordered = new ArrayList<>(candidates.subList(start, candidates.size()));
    ordered.addAll(candidates.subList(0, start));
    return ordered;
  }

  private static ChatCompletionRequest chat(GenerateRequest request) {
    List<ChatMessage> messages = new ArrayList<>();
    if (request.systemPrompt() != null && !request.systemPrompt().isBlank()) {
      messages.add(new ChatMessage("system", request.systemPrompt()));
    }
    messages.add(new ChatMessage("user", request.prompt()));
    return new ChatCompletionRequest(
        null,
        messages,
        request.maxTokensOrDefault(),
        request.temperatureOrDefault(),
        request.temperatureOrDefault() == 0.0 ? 0 : null,
        false);
  }

  private static String providerName(String preference) {
    if (preference == null || preference.isBlank()) {
      return null;
    }
    return Provider.fromWireName(preference)
        .map(Provider::wireName)
        .orElseThrow(
            () ->
                new InvalidFieldException(
                    "provider_preference", "unknown provider '" + preference + "'"));
  }

  private static long elapsedMs(long startedNanos) {
    return Duration.ofNanos(System.nanoTime() - startedNanos).toMillis();
  }
}
