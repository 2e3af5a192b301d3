package dev.modelyard.api.gateway;

import dev.modelyard.api.autoscaling.ColdStarts;
import dev.modelyard.api.errors.BudgetExhaustedException;
import dev.modelyard.api.errors.NotFoundException;
import dev.modelyard.api.errors.UnavailableException;
import dev.modelyard.infra.costs.Usage;
import dev.modelyard.infra.providers.cloud.CloudProvider;
import dev.modelyard.infra.providers.cloud.CloudProviders;
import dev.modelyard.infra.providers.openai.UpstreamException;
import dev.modelyard.infra.registry.RoutableInstance;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * The request path of a generation: a plan from the {@link Router}, the cache, and guarded backend
 * calls with retries and failover, first across the model's instances, then along its fallback
 * chain. Never Temporal, never PostgreSQL.
 *
 * <p>Only answers of the model the request was routed to are cached (under that model's version);
 * an answer from a fallback model is served but not cached, so a cache hit always names the model
 * that made it.
 */
@Service
class Gateway {

  private static final Logger log = LoggerFactory.getLogger(Gateway.class);
  static final String CLOUD_PREFIX = "cloud:";
  private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);

  private final Router router;
  private final Backends backends;
  private final CompletionCache cache;
  private final GatewaySettings settings;
  private final CloudProviders clouds;
  private final CostAccounting costs;
  private final ColdStarts coldStarts;
  private final RoutingTable table;

  Gateway(
      Router router,
      Backends backends,
      CompletionCache cache,
      GatewaySettings settings,
      CloudProviders clouds,
      CostAccounting costs,
      ColdStarts coldStarts,
      RoutingTable table) {
    this.router = router;
    this.backends = backends;
    this.cache = cache;
    this.settings = settings;
    this.clouds = clouds;
    this.costs = costs;
    this.coldStarts = coldStarts;
    this.table = table;
  }

  /** A non-streamed answer, from the cache when the request allows it. */
  Served complete(OpenAiRequest request, String providerPreference) {
    costs.checkLocalAllowed();
    List<Router.Step> plan = planOrColdStart(request, providerPreference);
    if (!request.cacheable() || !(plan.getFirst() instanceof Router.Step.Local primary)) {
      return firstAnswering(request, plan, this::complete, this::completeInCloud);
    }
    RoutableInstance first = primary.candidates().getFirst().instance();
    String key = request.cacheKey(first.provider(), first.modelName(), first.modelDigest());
    Served[] fresh = {null};
    try {
      // Identical concurrent misses wait for this one call of the primary model.
      CachedCompletion answer =
          cache.get(
              key,
              () -> {
                fresh[0] =
                    firstAnswering(
                        request, List.of(primary), this::complete, this::completeInCloud);
                return CachedCompletion.ofBody(fresh[0].body());
              });
      return fresh[0] != null ? fresh[0] : new Served(answer.body(), first, true);
    } catch (UnavailableException e) {
      if (plan.size() == 1) {
        throw e;
      }
      return firstAnswering(
          request, plan.subList(1, plan.size()), this::complete, this::completeInCloud);
    }
  }

  /**
   * Opens a streamed answer: cached events to replay, or an upstream stream whose first event has
   * arrived. Done before the response starts, so that "no instance" and "all failed" are proper
   * errors and a slow or failed first token still fails over.
   */
  OpenStream openStream(OpenAiRequest request, String providerPreference) {
    costs.checkLocalAllowed();
    List<Router.Step> plan = planOrColdStart(request, providerPreference);
    String key = null;
    String keyModel = null;
    if (request.cacheable() && plan.getFirst() instanceof Router.Step.Local primary) {
      RoutableInstance first = primary.candidates().getFirst().instance();
      key = request.cacheKey(first.provider(), first.modelName(), first.modelDigest());
      keyModel = first.modelName();
      var hit = cache.peek(key);
      if (hit.isPresent() && hit.get().events() != null) {
        return new OpenStream(hit.get().events(), null, first, null);
      }
    }
    Opened opened = firstAnswering(request, plan, this::open, this::openInCloud);
    boolean cacheIt = key != null && opened.instance().modelName().equals(keyModel);
    return new OpenStream(null, opened.stream(), opened.instance(), cacheIt ? key : null);
  }

  /**
   * The plan; a named model with no ready instance whose deployment is autoscaled (possibly to
   * zero) is woken first, and the request waits for its first instance.
   */
  private List<Router.Step> planOrColdStart(OpenAiRequest request, String providerPreference) {
    try {
      return router.plan(request, providerPreference);
    } catch (UnavailableException noInstance) {
      if (request.model() == null) {
        throw noInstance;
      }
      if (!coldStarts.awaitInstance(providerPreference, request.model())) {
        if (!coldStarts.isRegistered(providerPreference, request.model())) {
          throw new NotFoundException(
              "model "
                  + request.model()
                  + " is not registered; pull or register it (POST /api/v1/local-llm/models/pull"
                  + " or /register), then load it; GET /v1/models lists the models served");
        }
        throw noInstance;
      }
      table.refresh();
      return router.plan(request, providerPreference);
    }
  }

  /**
   * Writes the stream to {@code out} as server-sent events, and caches a relayed one once it is
   * complete. If the client goes away, the write fails and the upstream request is closed, which
   * stops the backend's generation.
   */
  Usage relay(OpenStream stream, OutputStream out) throws IOException {
    if (stream.replay() != null) {
      for (String event : stream.replay()) {
        writeEvent(out, event);
      }
      out.write(DONE);
      out.flush();
      return Usages.ofEvents(stream.replay());
    }
    List<String> events = new ArrayList<>();
    try (Backends.UpstreamStream upstream = stream.upstream()) {
      for (String data = upstream.firstEvent(); data != null; data = upstream.next()) {
        events.add(data);
        writeEvent(out, data);
      }
      out.write(DONE);
      out.flush();
      // After the client has its answer: the rest of the body, so the connection can be reused.
      upstream.drain();
    }
    if (stream.cacheKey() != null) {
      cache.put(stream.cacheKey(), CachedCompletion.ofEvents(events));
    }
    return Usages.ofEvents(events);
  }

  /**
   * Prices a served request and describes it for the audit log and metrics. A cache hit cost
   * nothing this time.
   */
  GenerationOutcome account(
      String caller,
      String path,
      RoutableInstance instance,
      boolean cached,
      boolean streamed,
      Usage usage,
      long startNanos,
      long firstTokenNanos) {
    boolean cloud = instance.instanceId().startsWith(CLOUD_PREFIX);
    BigDecimal cost =
        cached
            ? BigDecimal.ZERO
            : costs.record(
                caller,
                instance.provider(),
                instance.modelName(),
                cloud,
                usage,
                Duration.ofNanos(System.nanoTime() - startNanos));
    return new GenerationOutcome(
        path,
        instance.modelName(),
        instance.provider(),
        instance.instanceId(),
        cached,
        streamed,
        usage.promptTokens(),
        usage.completionTokens(),
        firstTokenNanos,
        cost);
  }

  private static void writeEvent(OutputStream out, String data) throws IOException {
    out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private Served complete(OpenAiRequest request, Candidate candidate)
      throws IOException, InterruptedException {
    byte[] body =
        backends.complete(
            candidate, request.endpoint(), request.forBackend(candidate.instance().modelName()));
    return body == null ? null : new Served(body, candidate.instance(), false);
  }

  private Served completeInCloud(OpenAiRequest request, CloudProvider cloud, String model)
      throws IOException, InterruptedException {
    return new Served(
        cloud.chat(request.forBackend(model), model), cloudInstance(cloud, model), false);
  }

  private Opened openInCloud(OpenAiRequest request, CloudProvider cloud, String model)
      throws IOException, InterruptedException {
    InputStream events = cloud.chatStream(request.forBackend(model), model);
    BufferedReader lines =
        new BufferedReader(new InputStreamReader(events, StandardCharsets.UTF_8));
    try {
      String first = Backends.nextEvent(lines);
      if (first == null) {
        throw new IOException(cloud.name() + " ended its stream before its first event");
      }
      return new Opened(
          new Backends.UpstreamStream(first, lines, () -> {}), cloudInstance(cloud, model));
    } catch (IOException | RuntimeException e) {
      lines.close();
      throw e;
    }
  }

  /** A cloud model in the shape of an instance, so that answers say where they came from. */
  private static RoutableInstance cloudInstance(CloudProvider cloud, String model) {
    return new RoutableInstance(
        CLOUD_PREFIX + cloud.name(), cloud.name(), model, null, null, 100, 1, null, null);
  }

  private Opened open(OpenAiRequest request, Candidate candidate)
      throws IOException, InterruptedException {
    Backends.UpstreamStream stream =
        backends.open(
            candidate, request.endpoint(), request.forBackend(candidate.instance().modelName()));
    return stream == null ? null : new Opened(stream, candidate.instance());
  }

  /**
   * Tries the plan's steps in order. Within a local model: its instances in the strategy's order,
   * skipping those whose breaker is open or bulkhead full; if every one tried failed, up to {@code
   * retries} more rounds after a growing pause. A cloud step runs once, if its provider has a key,
   * the endpoint is chat, and the monthly cost limit allows it. Connection errors, timeouts, 429
   * and 5xx move on; any other 4xx is the request's fault and goes back to the client.
   */
  private <T> T firstAnswering(
      OpenAiRequest request, List<Router.Step> plan, LocalAttempt<T> local, CloudAttempt<T> cloud) {
    Exception last = null;
    boolean anyTried = false;
    String budgetRefusal = null;
    try {
      for (Router.Step step : plan) {
        switch (step) {
          case Router.Step.Local instances -> {
            for (int round = 0; round <= settings.retries(); round++) {
              if (round > 0) {
                Thread.sleep(settings.retryBackoff().multipliedBy(1L << (round - 1)));
              }
              boolean triedThisRound = false;
              for (Candidate candidate : instances.candidates()) {
                try {
                  T answer = local.call(request, candidate);
                  if (answer != null) {
                    return answer;
                  }
                } catch (UpstreamException e) {
                  rejectIfRequestsFault(e);
                  last = failed(candidate.id(), e);
                  triedThisRound = true;
                } catch (IOException e) {
                  last = failed(candidate.id(), e);
                  triedThisRound = true;
                }
              }
              anyTried |= triedThisRound;
              if (!triedThisRound) {
                break; // every instance is cooling down or full: retrying at once would not help
              }
            }
          }
          case Router.Step.Cloud fallback -> {
            var provider = clouds.named(fallback.provider());
            if (provider.isEmpty() || request.endpoint() != Endpoint.CHAT) {
              continue;
            }
            var refusal = costs.cloudRefusal();
            if (refusal.isPresent()) {
              budgetRefusal = refusal.get();
              continue;
            }
            anyTried = true;
            try {
              return cloud.call(request, provider.get(), fallback.model());
            } catch (UpstreamException e) {
              rejectIfRequestsFault(e);
              last = failed(CLOUD_PREFIX + fallback.provider(), e);
            } catch (IOException e) {
              last = failed(CLOUD_PREFIX + fallback.provider(), e);
            }
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("interrupted while generating", e);
    }
    if (budgetRefusal != null) {
      throw new BudgetExhaustedException(
          "no cloud fallback: "
              + budgetRefusal
              + (last != null ? "; the last instance tried failed: " + describe(last) : ""));
    }
    if (!anyTried) {
      throw new UnavailableException(
          "every instance is cooling down after failures or at its limit of concurrent calls;"
              + " try again shortly",
          null);
    }
    throw new UnavailableException(
        "every instance failed; last error: " + (last != null ? describe(last) : "none"), last);
  }

  private static void rejectIfRequestsFault(UpstreamException e) {
    if (e.status() < 500 && e.status() != 429) {
      throw new UpstreamRejectedException(e);
    }
  }

  private static Exception failed(String instanceId, Exception e) {
    log.warn("instance {} failed, trying the next: {}", instanceId, describe(e));
    return e;
  }

  /** A connection refused has no message: its type says what happened. */
  private static String describe(Exception e) {
    return e.getMessage() != null
        ? e.getClass().getSimpleName() + ": " + e.getMessage()
        : e.getClass().getSimpleName();
  }

  @FunctionalInterface
  private interface LocalAttempt<T> {
    /** The answer, or null if the candidate was skipped. */
    T call(OpenAiRequest request, Candidate candidate) throws IOException, InterruptedException;
  }

  @FunctionalInterface
  private interface CloudAttempt<T> {
    T call(OpenAiRequest request, CloudProvider cloud, String model)
        throws IOException, InterruptedException;
  }

  private record Opened(Backends.UpstreamStream stream, RoutableInstance instance) {}

  /** A stream to send: cached events to replay, or an upstream to relay (and cache under a key). */
  record OpenStream(
      List<String> replay,
      Backends.UpstreamStream upstream,
      RoutableInstance instance,
      String cacheKey) {}

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
