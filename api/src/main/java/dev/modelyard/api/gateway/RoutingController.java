package dev.modelyard.api.gateway;

import dev.modelyard.api.errors.InvalidFieldException;
import dev.modelyard.api.errors.NotFoundException;
import dev.modelyard.infra.registry.ModelRegistry;
import dev.modelyard.infra.registry.RoutableInstance;
import dev.modelyard.workflows.models.ModelRef;
import dev.modelyard.workflows.models.Provider;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A model's routing: its strategy and instance weights (stored in the registry, so every API
 * replica applies them), and what this replica sees of each instance.
 */
@RestController
class RoutingController {

  private final ModelRegistry registry;
  private final RoutingTable table;
  private final Router router;
  private final Backends backends;
  private final GatewaySettings settings;

  RoutingController(
      ModelRegistry registry,
      RoutingTable table,
      Router router,
      Backends backends,
      GatewaySettings settings) {
    this.registry = registry;
    this.table = table;
    this.router = router;
    this.backends = backends;
    this.settings = settings;
  }

  @PutMapping("/api/v1/local-llm/models/routing")
  RoutingView configure(@Valid @RequestBody RoutingRequest body) {
    ModelRef model = model(body.provider(), body.modelName());
    String strategy = null;
    if (body.strategy() != null && !body.strategy().equals("default")) {
      strategy =
          RoutingStrategy.fromWireName(body.strategy())
              .orElseThrow(
                  () ->
                      new InvalidFieldException(
                          "strategy",
                          "unknown strategy '"
                              + body.strategy()
                              + "': expected default or one of "
                              + Arrays.stream(RoutingStrategy.values())
                                  .map(RoutingStrategy::wireName)
                                  .toList()))
              .wireName();
    }
    Map<String, Integer> weights = body.weights() == null ? Map.of() : body.weights();
    // Every weight is checked before anything is written, and then all of it is written at once.
    weights.forEach(
        (instanceId, weight) -> {
          if (weight == null || weight < 0 || weight > 1000) {
            throw new InvalidFieldException(
                "weights." + instanceId, "a weight must be from 0 to 1000");
          }
        });
    try {
      registry.configureRouting(model, strategy, weights);
    } catch (ModelRegistry.MissingRoutingTarget missing) {
      throw new NotFoundException(
          missing.instanceId() == null
              ? "no model " + model.name() + " of provider " + body.provider()
              : "model " + model.name() + " has no instance " + missing.instanceId());
    }
    table.refresh();
    return view(model);
  }

  @GetMapping("/api/v1/local-llm/models/routing")
  RoutingView show(@RequestParam String provider, @RequestParam("model_name") String modelName) {
    return view(model(provider, modelName));
  }

  private RoutingView view(ModelRef model) {
    List<RoutableInstance> instances = table.candidates(model.name(), model.provider().wireName());
    String strategy =
        instances.isEmpty() || instances.getFirst().routingStrategy() == null
            ? settings.defaultStrategy().wireName()
            : instances.getFirst().routingStrategy();
    return new RoutingView(
        model.provider().wireName(),
        model.name(),
        strategy,
        instances.stream()
            .map(
                i -> {
                  InstanceLoad load = router.load(i.instanceId());
                  double latency = load.latencyMillis();
                  return new InstanceRouting(
                      i.instanceId(),
                      i.endpoint(),
                      i.healthScore(),
                      i.routingWeight(),
                      load.inFlight(),
                      Double.isNaN(latency) ? null : latency,
                      backends
                          .breakerState(i.instanceId())
                          .name()
                          .toLowerCase(java.util.Locale.ROOT));
                })
            .toList());
  }

  private static ModelRef model(String provider, String name) {
    Provider known =
        Provider.fromWireName(provider)
            .orElseThrow(
                () -> new InvalidFieldException("provider", "unknown provider '" + provider + "'"));
    if (name == null || name.isBlank()) {
      throw new InvalidFieldException("model_name", "must not be blank");
    }
    return new ModelRef(known, name);
  }

  /** {@code PUT /api/v1/local-llm/models/routing}; strategy "default" or absent resets it. */
  record RoutingRequest(
      @NotBlank String provider,
      @NotBlank @Size(max = 200) String modelName,
      String strategy,
      Map<String, @Min(0) @Max(1000) Integer> weights) {}

  record RoutingView(
      String provider, String modelName, String strategy, List<InstanceRouting> instances) {}

  /** One instance as this API replica sees it; latency is null before its first call. */
  record InstanceRouting(
      String instanceId,
      String endpoint,
      int healthScore,
      int weight,
      int inFlight,
      Double latencyMillis,
      String circuit) {}
}
