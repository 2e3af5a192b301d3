package dev.modelyard.api.gateway;

import dev.modelyard.api.errors.InvalidFieldException;
import dev.modelyard.api.errors.UnavailableException;
import dev.modelyard.infra.registry.RoutableInstance;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.springframework.stereotype.Component;

/**
 * Turns a request into a plan: the instances of the chosen model in the order its routing strategy
 * gives, then the fallback chain. Reads only memory: the routing table and this process's loads.
 *
 * <p>Without a model named ("route to the optimal model"), the policy is: among the models whose
 * instances serve the endpoint and whose context holds the prompt plus {@code max_tokens}, prefer a
 * model with a healthy instance (score 50 or more), then the best health score, then the fewest
 * calls in flight per instance, then the name. Local models cost nothing, so they always come
 * before a cloud fallback, which only the fallback chain adds.
 */
@Component
class Router {

  static final int HEALTHY_SCORE = 50;

  private final RoutingTable table;
  private final GatewaySettings settings;
  private final Map<String, InstanceLoad> loads = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> turns = new ConcurrentHashMap<>();

  Router(RoutingTable table, GatewaySettings settings) {
    this.table = table;
    this.settings = settings;
  }

  InstanceLoad load(String instanceId) {
    return loads.computeIfAbsent(instanceId, id -> new InstanceLoad());
  }

  /** The steps to try in order; never empty. */
  List<Step> plan(OpenAiRequest request, String providerPreference) {
    String named = request.model();
    List<Step> steps = new ArrayList<>();
    if (named != null) {
      List<RoutableInstance> instances = serving(named, request, providerPreference);
      if (!instances.isEmpty()) {
        steps.add(local(request, instances));
      }
    } else {
      for (List<RoutableInstance> model : ranked(request, providerPreference)) {
        steps.add(local(request, model));
      }
    }
    String chainOf =
        named != null ? named : steps.isEmpty() ? "auto" : ((Step.Local) steps.getFirst()).model();
    for (String fallback : settings.fallbacksOf(chainOf)) {
      int colon = fallback.indexOf(':');
      List<RoutableInstance> local = serving(fallback, request, providerPreference);
      if (!local.isEmpty()) {
        if (steps.stream()
            .noneMatch(s -> s instanceof Step.Local l && l.model().equalsIgnoreCase(fallback))) {
          steps.add(local(request, local));
        }
      } else if (colon > 0 && !fallback.startsWith("local")) {
        steps.add(new Step.Cloud(fallback.substring(0, colon), fallback.substring(colon + 1)));
      }
    }
    if (steps.isEmpty() && named == null) {
      refuseIfNoContextHolds(request, providerPreference);
    }
    if (steps.isEmpty()) {
      throw new UnavailableException(
          "no ready instance serves "
              + (named != null ? "model " + named : "any model")
              + (request.endpoint() == Endpoint.CHAT ? "" : " on " + request.endpoint().path())
              + "; load one with POST /api/v1/local-llm/models/load",
          null);
    }
    return steps;
  }

  /** Ready instances of a model (any when null), of the preferred provider and endpoint. */
  private List<RoutableInstance> serving(
      String model, OpenAiRequest request, String providerPreference) {
    return table.candidates(model, providerPreference).stream()
        .filter(i -> request.endpoint().servedBy(i.provider()))
        .toList();
  }

  /**
   * Models are ready but none has the context the request needs: the request's to change, not a 503
   * that clients (OpenAI's SDKs among them) retry for nothing.
   */
  private void refuseIfNoContextHolds(OpenAiRequest request, String providerPreference) {
    long largest =
        serving(null, request, providerPreference).stream()
            .map(RoutableInstance::contextLength)
            .filter(Objects::nonNull)
            .mapToLong(Integer::longValue)
            .max()
            .orElse(0);
    if (largest == 0) {
      return;
    }
    int prompt = request.estimatedPromptTokens();
    String field =
        request.maxTokens() > 0 && prompt < largest
            ? "max_tokens"
            : request.endpoint() == Endpoint.CHAT ? "messages" : request.promptField();
    throw new InvalidFieldException(
        field,
        "no ready model's context holds about "
            + prompt
            + " prompt tokens"
            + (request.maxTokens() > 0 ? " plus max_tokens " + request.maxTokens() : "")
            + "; the largest ready context is "
            + largest
            + " tokens");
  }

  /** The optimal-model policy (see the class comment): each model's instances, best first. */
  private List<List<RoutableInstance>> ranked(OpenAiRequest request, String providerPreference) {
    long needed = (long) request.estimatedPromptTokens() + request.maxTokens();
    Map<String, List<RoutableInstance>> models = new LinkedHashMap<>();
    for (RoutableInstance instance : serving(null, request, providerPreference)) {
      models
          .computeIfAbsent(instance.modelName().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(instance);
    }
    return models.values().stream()
        .filter(
            instances ->
                instances.stream()
                    .anyMatch(i -> i.contextLength() == null || i.contextLength() >= needed))
        .sorted(
            Comparator.comparing((List<RoutableInstance> instances) -> !healthy(instances))
                .thenComparing(instances -> -bestScore(instances))
                .thenComparingDouble(this::inFlightPerInstance)
                .thenComparing(instances -> instances.getFirst().modelName()))
        .toList();
  }

  private Step.Local local(OpenAiRequest request, List<RoutableInstance> instances) {
    String strategyName = instances.getFirst().routingStrategy();
    RoutingStrategy strategy =
        strategyName == null
            ? settings.defaultStrategy()
            : RoutingStrategy.fromWireName(strategyName).orElse(settings.defaultStrategy());
    String model = instances.getFirst().modelName();
    long turn = turns.computeIfAbsent(model, k -> new AtomicLong()).getAndIncrement();
    long prefixHash = strategy == RoutingStrategy.PREFIX_AFFINITY ? hash(request.prefix()) : 0;
    List<Candidate> candidates =
        instances.stream().map(i -> new Candidate(i, load(i.instanceId()))).toList();
    return new Step.Local(
        model,
        strategy.order(
            candidates, new RoutingStrategy.Turn(turn, prefixHash, ThreadLocalRandom.current())));
  }

  private static boolean healthy(List<RoutableInstance> instances) {
    return bestScore(instances) >= HEALTHY_SCORE;
  }

  private static int bestScore(List<RoutableInstance> instances) {
    return instances.stream().mapToInt(RoutableInstance::healthScore).max().orElse(0);
  }

  private double inFlightPerInstance(List<RoutableInstance> instances) {
    return instances.stream().mapToInt(i -> load(i.instanceId()).inFlight()).average().orElse(0);
  }

  /** FNV-1a over the prefix's characters, 64 bits. */
  static long hash(String prefix) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < prefix.length(); i++) {
      h ^= prefix.charAt(i);
      h *= 0x100000001b3L;
    }
    return h;
  }

  /** One step of a plan. */
  sealed interface Step {

    /** A local model's instances, in the order to try them. */
    record Local(String model, List<Candidate> candidates) implements Step {

      /** Those of its instances that {@code which} accepts, in the same order. */
      Local only(Predicate<RoutableInstance> which) {
        return new Local(model, candidates.stream().filter(c -> which.test(c.instance())).toList());
      }
    }

    /** A cloud provider's model, as the last resort of a fallback chain. */
    record Cloud(String provider, String model) implements Step {}
  }
}
