package dev.modelyard.api.gateway;

import dev.modelyard.api.autoscaling.ColdStarts;
import dev.modelyard.api.errors.BudgetExhaustedException;
import dev.modelyard.api.errors.NotFoundException;
import dev.modelyard.api.errors.UnavailableException;
import dev.modelyard.infra.costs.CostLedger;
import dev.modelyard.infra.costs.Usage;
import dev.modelyard.infra.providers.cloud.CloudProvider;
import dev.modelyard.infra.providers.cloud.CloudProviders;
import dev.modelyard.infra.providers.cloud.UntranslatableRequestException;
import dev.modelyard.infra.providers.openai.OpenAiJson;
import dev.modelyard.infra.providers.openai.StreamedAnswer;
import dev.modelyard.infra.providers.openai.UpstreamException;
import dev.modelyard.infra.registry.RoutableInstance;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

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
  private static final String CUT_SHORT =
      "{\"error\":{\"message\":\"the instance ended its stream before the answer was complete\","
          + "\"type\":\"server_error\",\"param\":null,\"code\":null}}";

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

  /**
   * A non-streamed answer, from the cache when the request allows it.
   *
   * @param planned told the model tried first, once it is chosen, before anything may fail
   */
  Served complete(
      OpenAiRequest request, String providerPreference, Consumer<PlannedModel> planned) {
    costs.checkLocalAllowed();
    List<Router.Step> plan = planOrColdStart(request, providerPreference);
    planned.accept(PlannedModel.of(plan.getFirst()));
    if (!request.cacheable() || !(plan.getFirst() instanceof Router.Step.Local primary)) {
      return firstAnswering(request, plan, this::complete, this::completeInCloud);
    }
    RoutableInstance first = primary.candidates().getFirst().instance();
    String key = request.cacheKey(first);
    // The key names one version of the model: only instances serving exactly that version may
    // make the answer cached under it (a model name can be served by two providers, or two
    // digests during a rollout).
    Router.Step.Local sameVersion = primary.only(i -> sameVersion(i, first));
    Served[] fresh = {null};
    try {
      // Identical concurrent misses wait for this one call of the primary model.
      CachedCompletion answer =
          cache.get(
              key,
              () -> {
                fresh[0] =
                    firstAnswering(
                        request, List.of(sameVersion), this::complete, this::completeInCloud);
                return CachedCompletion.ofBody(fresh[0].body());
              });
      return fresh[0] != null ? fresh[0] : new Served(answer.body(), first, true);
    } catch (UpstreamRejectedException refused) {
      // The versions that differ from the one that refused it may accept it (see Refusal), and,
      // when the gateway chose the model, the models after it in the ranking, as on the uncached
      // path; a named model's fallback chain is not asked.
      List<Router.Step> rest = new ArrayList<>();
      Router.Step.Local otherVersions = primary.only(i -> !sameVersion(i, first));
      if (!otherVersions.candidates().isEmpty()) {
        rest.add(otherVersions);
      }
      if (request.model() == null) {
        rest.addAll(plan.subList(1, plan.size()));
      }
      if (rest.isEmpty()) {
        throw refused;
      }
      if (request.model() == null) {
        // Judged as on the uncached path: the refusal is the answer only if nothing after it
        // failed or was cooling down (then a 503 to retry), nor refused first.
        return firstAnswering(
            request, rest, this::complete, this::completeInCloud, refused.refusal());
      }
      try {
        return firstAnswering(request, rest, this::complete, this::completeInCloud);
      } catch (UnavailableException noneAnswered) {
        throw refused;
      }
    } catch (UnavailableException e) {
      List<Router.Step> rest = new ArrayList<>();
      Router.Step.Local otherVersions = primary.only(i -> !sameVersion(i, first));
      if (!otherVersions.candidates().isEmpty()) {
        rest.add(otherVersions);
      }
      rest.addAll(plan.subList(1, plan.size()));
      if (rest.isEmpty()) {
        throw e;
      }
      return firstAnswering(request, rest, this::complete, this::completeInCloud);
    }
  }

  /** Whether two instances make the same answers: one model version, one context length. */
  private static boolean sameVersion(RoutableInstance a, RoutableInstance b) {
    return Objects.equals(a.provider(), b.provider())
        && Objects.equals(a.modelName(), b.modelName())
        && Objects.equals(a.modelDigest(), b.modelDigest())
        && Objects.equals(a.contextLength(), b.contextLength());
  }

  /**
   * Opens a streamed answer: cached events to replay, or an upstream stream whose first event has
   * arrived. Done before the response starts, so that "no instance" and "all failed" are proper
   * errors and a slow or failed first token still fails over.
   */
  OpenStream openStream(
      OpenAiRequest request, String providerPreference, Consumer<PlannedModel> planned) {
    costs.checkLocalAllowed();
    List<Router.Step> plan = planOrColdStart(request, providerPreference);
    planned.accept(PlannedModel.of(plan.getFirst()));
    String key = null;
    RoutableInstance keyVersion = null;
    if (request.cacheable() && plan.getFirst() instanceof Router.Step.Local primary) {
      RoutableInstance first = primary.candidates().getFirst().instance();
      key = request.cacheKey(first);
      keyVersion = first;
      var hit = cache.peek(key);
      if (hit.isPresent() && hit.get().events() != null) {
        return new OpenStream(hit.get().events(), null, first, null);
      }
    }
    Opened opened = firstAnswering(request, plan, this::open, this::openInCloud);
    boolean cacheIt = key != null && sameVersion(opened.instance(), keyVersion);
    return new OpenStream(null, opened.stream(), opened.instance(), cacheIt ? key : null);
  }

  /**
   * The plan; a named model with no ready instance whose deployment is autoscaled (possibly to
   * zero) is woken first, and the request waits for its first instance, unless a fallback can serve
   * it meanwhile.
   */
  private List<Router.Step> planOrColdStart(OpenAiRequest request, String providerPreference) {
    try {
      List<Router.Step> plan = router.plan(request, providerPreference);
      if (request.model() != null
          && !(plan.getFirst() instanceof Router.Step.Local first
              && first.model().equalsIgnoreCase(request.model()))
          && table.candidates(request.model(), providerPreference).isEmpty()) {
        // At zero, its fallback serves this request; without a wake, every later one too (and a
        // cloud fallback bills them). Not when it has instances that cannot serve this endpoint:
        // each wake counts as activity, and the model would never scale down.
        coldStarts.wakeInBackground(providerPreference, request.model());
      }
      return plan;
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
   * Writes the stream to {@code out} as server-sent events, adding each event to {@code sent} as it
   * goes, so that what was sent can be accounted even when the client or the upstream stops early
   * (made by {@link #sentEvents}, it keeps every event only while the answer may be cached).
   * Answers whether the answer was complete; only a complete one is cached. An upstream whose body
   * ends before [DONE], or fails to be read (a deadline, a reset), was cut: the client gets an
   * error event in OpenAI's format instead of [DONE]. If the client goes away, the write fails and
   * the upstream request is closed, which stops the backend's generation. The usage chunk that
   * Modelyard always asks for goes to the client only if it asked too ({@code usageAsked}).
   */
  boolean relay(OpenStream stream, OutputStream out, SentEvents sent, boolean usageAsked)
      throws IOException {
    if (stream.replay() != null) {
      for (String event : stream.replay()) {
        send(out, event, usageAsked);
        sent.add(event);
      }
      out.write(DONE);
      out.flush();
      return true;
    }
    boolean failed = false;
    try (Backends.UpstreamStream upstream = stream.upstream()) {
      String data = upstream.firstEvent();
      while (data != null) {
        send(out, data, usageAsked);
        sent.add(data);
        if (Backends.carriesError(data)) {
          failed = true;
          upstream.carriedError(data);
        }
        try {
          data = upstream.next();
        } catch (IOException readFailed) {
          log.warn(
              "instance {} failed mid-stream, after {} events: {}",
              stream.instance().instanceId(),
              sent.count(),
              readFailed.getMessage());
          writeEvent(out, cutShort(readFailed.getMessage()));
          return false;
        }
      }
      if (!upstream.finished()) {
        log.warn(
            "instance {} ended its stream before [DONE], after {} events",
            stream.instance().instanceId(),
            sent.count());
        writeEvent(out, CUT_SHORT);
        return false;
      }
      out.write(DONE);
      out.flush();
      // After the client has its answer: the rest of the body, so the connection can be reused.
      upstream.drain();
    }
    if (failed) {
      return false;
    }
    if (stream.cacheKey() != null && sent.all() != null) {
      cache.put(stream.cacheKey(), CachedCompletion.ofEvents(sent.all()));
    }
    return true;
  }

  /** Where {@link #relay} records what it sends: every event only if the answer may be cached. */
  static SentEvents sentEvents(OpenStream stream) {
    return new SentEvents(stream.cacheKey() != null);
  }

  private static void send(OutputStream out, String event, boolean usageAsked) throws IOException {
    if (usageAsked || !isUsageOnly(event)) {
      writeEvent(out, event);
    }
  }

  /** OpenAI's last chunk under include_usage: no choices, the usage. Parsed only when it may be. */
  private static boolean isUsageOnly(String data) {
    if (!data.contains("\"usage\"")
        || !(data.contains("\"choices\":[]") || data.contains("\"choices\": []"))) {
      return false;
    }
    try {
      JsonNode event = OpenAiJson.MAPPER.readTree(data);
      JsonNode choices = event.path("choices");
      return choices.isArray() && choices.isEmpty() && event.path("usage").isObject();
    } catch (JacksonException e) {
      return false;
    }
  }

  private static String cutShort(String reason) {
    return "{\"error\":{\"message\":"
        + OpenAiJson.MAPPER.writeValueAsString(
            "the instance's stream failed before the answer was complete: " + reason)
        + ",\"type\":\"server_error\",\"param\":null,\"code\":null}}";
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

  /** The call's hold on what it may cost goes as soon as it is answered, and accounted. */
  private Served completeInCloud(
      byte[] body, CloudProvider cloud, String model, CostLedger.Hold held)
      throws IOException, InterruptedException {
    try (held) {
      return new Served(cloud.chat(body, model), cloudInstance(cloud, model), false);
    }
  }

  /** A stream's hold on what it may cost goes when it is closed, right before it is accounted. */
  private Opened openInCloud(byte[] body, CloudProvider cloud, String model, CostLedger.Hold held)
      throws IOException, InterruptedException {
    BufferedReader lines = null;
    try {
      // One first-token timeout in all: to be accepted, then what is left of it for the event.
      long asked = System.nanoTime();
      InputStream accepted = cloud.chatStream(body, model, settings.firstTokenTimeout());
      StreamedAnswer events =
          backends.watched(
              accepted, settings.firstTokenTimeout().minusNanos(System.nanoTime() - asked));
      lines = new BufferedReader(new InputStreamReader(events, StandardCharsets.UTF_8));
      String first = Backends.nextEvent(lines);
      if (first == null) {
        throw new IOException(cloud.name() + " ended its stream before its first event");
      }
      events.firstEventArrived();
      return new Opened(
          new Backends.UpstreamStream(first, lines, held::close, failure -> {}),
          cloudInstance(cloud, model));
    } catch (IOException | RuntimeException | InterruptedException e) {
      held.close();
      if (lines != null) {
        lines.close();
      }
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
   * and 5xx move on; any other 4xx is the request's fault and goes back to the client, unless an
   * instance configured otherwise accepts the request (see {@link Refusal}).
   */
  private <T> T firstAnswering(
      OpenAiRequest request, List<Router.Step> plan, LocalAttempt<T> local, CloudAttempt<T> cloud) {
    return firstAnswering(request, plan, local, cloud, null);
  }

  /**
   * @param refusedBefore the refusal of a model the gateway chose, asked before this plan (on the
   *     cached path), or null
   */
  private <T> T firstAnswering(
      OpenAiRequest request,
      List<Router.Step> plan,
      LocalAttempt<T> local,
      CloudAttempt<T> cloud,
      UpstreamException refusedBefore) {
    Exception last = null;
    boolean anyTried = false;
    String budgetRefusal = null;
    // Steps that could not be asked at all: instances all cooling down, providers whose API cannot
    // express the request.
    boolean instancesUnavailable = false;
    List<String> untranslatable = new ArrayList<>();
    // A model the gateway chose (none named) that refused the request: the next in the ranking
    // (a larger context, say) may take it; the client hears of the refusal if none does.
    UpstreamException chosenModelRefused = refusedBefore;
    try {
      for (Router.Step step : plan) {
        switch (step) {
          case Router.Step.Local instances -> {
            Refusal refusal = null;
            // An instance that let a call run out its deadline is not asked again in a later
            // round: it would hold the request for another whole timeout.
            Set<String> timedOut = new HashSet<>();
            for (int round = 0; round <= settings.retries() && refusal == null; round++) {
              if (round > 0) {
                Thread.sleep(settings.retryBackoff().multipliedBy(1L << (round - 1)));
              }
              boolean triedThisRound = false;
              for (Candidate candidate : instances.candidates()) {
                if ((refusal != null && !refusal.mayAcceptOtherwise(candidate.instance()))
                    || timedOut.contains(candidate.id())) {
                  continue;
                }
                try {
                  T answer = local.call(request, candidate);
                  if (answer != null) {
                    return answer;
                  }
                } catch (UpstreamException e) {
                  if (isRequestsFault(e)) {
                    if (refusal == null) {
                      refusal = new Refusal(e, candidate.instance());
                    }
                    continue;
                  }
                  last = failed(candidate.id(), e);
                  triedThisRound = true;
                } catch (IOException e) {
                  last = failed(candidate.id(), e);
                  triedThisRound = true;
                  if (e instanceof HttpTimeoutException) {
                    timedOut.add(candidate.id());
                  }
                }
              }
              anyTried |= triedThisRound;
              if (!triedThisRound) {
                instancesUnavailable |= refusal == null;
                break; // every instance is cooling down or full: retrying at once would not help
              }
            }
            if (refusal != null) {
              if (request.model() != null) {
                // No instance configured otherwise accepted it: the request's fault after all.
                throw new UpstreamRejectedException(refusal.answer());
              }
              if (chosenModelRefused == null) {
                chosenModelRefused = refusal.answer();
              }
            }
          }
          case Router.Step.Cloud fallback -> {
            var provider = clouds.named(fallback.provider());
            if (provider.isEmpty() || request.endpoint() != Endpoint.CHAT) {
              continue;
            }
            byte[] body = request.forBackend(fallback.model());
            CostAccounting.CloudPermit permit =
                costs.permitCloud(
                    fallback.provider(),
                    fallback.model(),
                    body.length,
                    request.maxTokens(),
                    request.choices());
            if (permit.refusal() != null) {
              budgetRefusal = permit.refusal();
              continue;
            }
            boolean triedBefore = anyTried;
            anyTried = true;
            try {
              return cloud.call(body, provider.get(), fallback.model(), permit.hold());
            } catch (UntranslatableRequestException e) {
              anyTried = triedBefore;
              // Not sent: neither the provider's failure (the real one stays the one reported)
              // nor the request's, which another step may take.
              untranslatable.add(e.getMessage());
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
    if (last == null && !instancesUnavailable && chosenModelRefused != null) {
      throw new UpstreamRejectedException(chosenModelRefused);
    }
    if (last == null && !instancesUnavailable && !untranslatable.isEmpty()) {
      // Nothing failed: what could answer cannot take this request as it is. Retrying would not
      // help, so not a 503.
      throw new UpstreamRejectedException(
          new UpstreamException(
              400, "no fallback can take this request: " + String.join("; ", untranslatable)));
    }
    if (budgetRefusal != null) {
      throw new BudgetExhaustedException(
          "no cloud fallback: "
              + budgetRefusal
              + (last != null ? "; the last instance tried failed: " + reason(last) : ""));
    }
    if (!anyTried) {
      throw new UnavailableException(
          "every instance is cooling down after failures or at its limit of concurrent calls;"
              + " try again shortly",
          null);
    }
    throw new UnavailableException(
        "every instance failed; last error: " + (last != null ? reason(last) : "none"), last);
  }

  private static void rejectIfRequestsFault(UpstreamException e) {
    if (isRequestsFault(e)) {
      throw new UpstreamRejectedException(e);
    }
  }

  /**
   * An instance refused the request itself (a 4xx that is the request's fault). Another instance of
   * the model configured alike would refuse it too, and is not asked; one that differs (another
   * provider, version or context length: a prompt too long for a 4k instance fits a 32k one) may
   * accept it, and is.
   */
  private record Refusal(UpstreamException answer, RoutableInstance by) {

    boolean mayAcceptOtherwise(RoutableInstance other) {
      return !Objects.equals(other.provider(), by.provider())
          || !Objects.equals(other.modelDigest(), by.modelDigest())
          || !Objects.equals(other.contextLength(), by.contextLength());
    }
  }

  /**
   * A 4xx that another instance would give the same request too. Not 401 and 403 (the instance
   * refuses our credentials, such as an expired provider key: the client's were checked here), 404
   * (the instance does not have the model or endpoint it is routed for, e.g. unloaded behind our
   * back), 408 (a proxy gave up waiting) or 429 (the instance is busy): those, and anything else
   * (5xx, and a 1xx or 3xx that no model server should send), are the instance's failure.
   */
  static boolean isRequestsFault(UpstreamException e) {
    return switch (e.status()) {
      case 401, 403, 404, 408, 429 -> false;
      default -> e.status() >= 400 && e.status() < 500;
    };
  }

  private static Exception failed(String instanceId, Exception e) {
    log.warn("instance {} failed, trying the next: {}", instanceId, describe(e));
    return e;
  }

  /**
   * A failure as the client may read it: an instance's answer or a deadline in our words; anything
   * else by its type and the end of its root cause's message ("Connect to http://10.0.0.7:8000
   * failed: Connection refused" gives "Connection refused"): the client library names the
   * instance's address first and the reason last, and the address stays in our log.
   */
  private static String reason(Exception e) {
    if (e instanceof UpstreamException || e instanceof HttpTimeoutException) {
      return describe(e);
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    int last = message == null ? -1 : message.lastIndexOf(": ");
    return last < 0
        ? e.getClass().getSimpleName()
        : e.getClass().getSimpleName() + ": " + message.substring(last + 2);
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
    /**
     * The answer to {@code body} (the request for that model); {@code held} is the attempt's to
     * close.
     */
    T call(byte[] body, CloudProvider cloud, String model, CostLedger.Hold held)
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

    UpstreamException refusal() {
      return (UpstreamException) getCause();
    }

    int status() {
      return status;
    }
  }
}
