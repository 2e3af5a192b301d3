package dev.modelyard.api.gateway;

import dev.modelyard.api.errors.UnavailableException;
import dev.modelyard.infra.providers.openai.OpenAiCompatibleClient;
import dev.modelyard.infra.providers.openai.UpstreamException;
import dev.modelyard.infra.registry.RoutableInstance;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * The request path of a generation: the in-memory routing table, the cache, and a backend call with
 * a circuit breaker per instance and failover to the next instance on a connection error or a 5xx
 * before the first byte. Never Temporal, never PostgreSQL.
 */
@Service
class Gateway {

  private static final Logger log = LoggerFactory.getLogger(Gateway.class);
  private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);

  private final RoutingTable table;
  private final CompletionCache cache;
  private final OpenAiCompatibleClient client =
      new OpenAiCompatibleClient(Duration.ofSeconds(2), Duration.ofMinutes(5));
  private final CircuitBreakerRegistry breakers =
      CircuitBreakerRegistry.of(
          CircuitBreakerConfig.custom()
              .slidingWindowSize(10)
              .minimumNumberOfCalls(3)
              .failureRateThreshold(50)
              .waitDurationInOpenState(Duration.ofSeconds(10))
              .permittedNumberOfCallsInHalfOpenState(1)
              .build());
  private final AtomicInteger next = new AtomicInteger();

  Gateway(RoutingTable table, CompletionCache cache) {
    this.table = table;
    this.cache = cache;
  }

  /** A non-streamed completion, from the cache when the request allows it. */
  Served complete(ChatRequest request, String providerPreference) {
    List<RoutableInstance> candidates = candidates(request, providerPreference);
    if (!request.cacheable()) {
      return call(request, candidates);
    }
    RoutableInstance first = candidates.getFirst();
    String key = request.cacheKey(first.provider(), first.modelName(), first.modelDigest());
    Served[] fresh = {null};
    CachedCompletion answer =
        cache.get(
            key,
            () -> {
              fresh[0] = call(request, candidates);
              return CachedCompletion.ofBody(fresh[0].body());
            });
    return fresh[0] != null ? fresh[0] : new Served(answer.body(), first, true);
  }

  /**
   * Opens a streamed completion: a cached stream to replay, or an upstream stream that answered.
   * Done before the response starts, so that "no instance" and "all failed" are proper errors.
   */
  OpenStream openStream(ChatRequest request, String providerPreference) {
    List<RoutableInstance> candidates = candidates(request, providerPreference);
    String key = null;
    if (request.cacheable()) {
      RoutableInstance first = candidates.getFirst();
      key = request.cacheKey(first.provider(), first.modelName(), first.modelDigest());
      var hit = cache.peek(key);
      if (hit.isPresent() && hit.get().events() != null) {
        return new OpenStream(hit.get().events(), null, null);
      }
    }
    return new OpenStream(null, openUpstream(request, candidates), key);
  }

  /**
   * Writes the stream to {@code out} as server-sent events, and caches a relayed one once it is
   * complete. If the client goes away, the upstream request is closed, which stops the backend.
   */
  void relay(OpenStream stream, OutputStream out) throws IOException {
    if (stream.replay() != null) {
      for (String event : stream.replay()) {
        writeEvent(out, event);
      }
      out.write(DONE);
      out.flush();
      return;
    }
    List<String> events = new ArrayList<>();
    try (InputStream upstream = stream.upstream();
        BufferedReader lines =
            new BufferedReader(new InputStreamReader(upstream, StandardCharsets.UTF_8))) {
      for (String line; (line = lines.readLine()) != null; ) {
        if (!line.startsWith("data: ")) {
          continue;
        }
        String data = line.substring("data: ".length());
        if (data.equals("[DONE]")) {
          break;
        }
        events.add(data);
        writeEvent(out, data);
      }
    }
    out.write(DONE);
    out.flush();
    if (stream.cacheKey() != null) {
      cache.put(stream.cacheKey(), CachedCompletion.ofEvents(events));
    }
  }

  private static void writeEvent(OutputStream out, String data) throws IOException {
    out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private Served call(ChatRequest request, List<RoutableInstance> candidates) {
    return firstAnswering(
        request,
        candidates,
        (instance, endpoint, body) -> new Served(client.chatRaw(endpoint, body), instance, false));
  }

  private InputStream openUpstream(ChatRequest request, List<RoutableInstance> candidates) {
    return firstAnswering(
        request, candidates, (instance, endpoint, body) -> client.chatStream(endpoint, body));
  }

  /**
   * Tries the candidates in order, skipping those whose breaker is open, until one answers. Only
   * connection errors, timeouts and 5xx move on: a 4xx is the request's fault, not the instance's.
   */
  private <T> T firstAnswering(
      ChatRequest request, List<RoutableInstance> candidates, BackendCall<T> call) {
    IOException last = null;
    for (RoutableInstance instance : candidates) {
      CircuitBreaker breaker = breakers.circuitBreaker(instance.instanceId());
      if (!breaker.tryAcquirePermission()) {
        continue;
      }
      long start = System.nanoTime();
      try {
        T answer =
            call.call(
                instance,
                URI.create(instance.endpoint()),
                request.forBackend(instance.modelName()));
        breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        return answer;
      } catch (UpstreamException e) {
        if (e.status() < 500) {
          breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
          throw new UpstreamRejectedException(e);
        }
        last = failed(breaker, start, instance, e);
      } catch (IOException e) {
        last = failed(breaker, start, instance, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UnavailableException("interrupted while generating", e);
      }
    }
    throw new UnavailableException(
        "every instance of the model failed or is cooling down"
            + (last != null ? "; last error: " + last.getMessage() : ""),
        last);
  }

  private static IOException failed(
      CircuitBreaker breaker, long start, RoutableInstance instance, IOException e) {
    breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
    log.warn("instance {} failed, trying the next: {}", instance.instanceId(), e.getMessage());
    return e;
  }

  /** Ready instances of the requested model, in round-robin order. */
  private List<RoutableInstance> candidates(ChatRequest request, String providerPreference) {
    String model = request.model();
    List<RoutableInstance> candidates =
        table.candidates(model == null || model.equals("auto") ? null : model, providerPreference);
    if (candidates.isEmpty()) {
      throw new UnavailableException(
          "no ready instance serves "
              + (model != null ? "model " + model : "any model")
              + "; load one with POST /api/v1/local-llm/models/load",
          null);
    }
    if (model == null || model.equals("auto")) {
      // Without a model named, route to one model: the first the table lists.
      String chosen = candidates.getFirst().modelName();
      candidates = candidates.stream().filter(i -> i.modelName().equals(chosen)).toList();
    }
    int start = Math.floorMod(next.getAndIncrement(), candidates.size());
    List<RoutableInstance> ordered = new ArrayList<>(candidates.subList(start, candidates.size()));
    ordered.addAll(candidates.subList(0, start));
    return ordered;
  }

  @FunctionalInterface
  private interface BackendCall<T> {
    T call(RoutableInstance instance, URI endpoint, byte[] body)
        throws IOException, InterruptedException;
  }

  /** A stream to send: cached events to replay, or an upstream to relay (and cache under a key). */
  record OpenStream(List<String> replay, InputStream upstream, String cacheKey) {}

  /** A backend answer and where it came from. */
  record Served(byte[] body, RoutableInstance instance, boolean cached) {}

  /** The backend refused the request itself (4xx): its answer goes back to the client. */
  static final class UpstreamRejectedException extends RuntimeException {

    private final int status;

    UpstreamRejectedException(UpstreamException cause) {
      super(cause.getMessage(), cause);
      this.status = cause.status();
    }

    int status() {
      return status;
    }
  }
}
