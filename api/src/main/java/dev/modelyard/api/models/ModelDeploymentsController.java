package dev.modelyard.api.models;

import dev.modelyard.api.errors.InvalidFieldException;
import dev.modelyard.api.errors.NotFoundException;
import dev.modelyard.api.errors.UnavailableException;
import dev.modelyard.infra.registry.ModelListing;
import dev.modelyard.infra.registry.ModelRegistry;
import dev.modelyard.workflows.models.ModelRef;
import dev.modelyard.workflows.models.Provider;
import jakarta.validation.Valid;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Scaling a model to a number of replicas, and what its replicas are doing. */
@RestController
@RequestMapping("/api/v1/local-llm/models")
class ModelDeploymentsController {

  private final ModelDeployments deployments;
  private final ModelRegistry registry;

  ModelDeploymentsController(ModelDeployments deployments, ModelRegistry registry) {
    this.deployments = deployments;
    this.registry = registry;
  }

  @PostMapping("/scale")
  @ResponseStatus(HttpStatus.ACCEPTED)
  ScaleModelResponse scale(@Valid @RequestBody ScaleModelRequest body) {
    Provider provider = ModelsController.provider(body.provider());
    if (!ModelsController.PULLABLE.contains(provider)) {
      throw new InvalidFieldException(
          "provider",
          provider.wireName()
              + " models are servers registered by URL; Modelyard cannot scale them");
    }
    ModelRef model = new ModelRef(provider, body.modelName());
    if (registry.findModel(model).isEmpty()) {
      throw new NotFoundException("model " + model + " is not registered; pull it first");
    }
    int accepted = deployments.scale(model, body.desiredInstances());
    return new ScaleModelResponse(deployments.taskId(model), accepted, statusUrl(model));
  }

  @GetMapping(value = "/status", params = "model_name")
  DeploymentStatus status(
      @RequestParam(required = false) String provider,
      @RequestParam("model_name") String modelName) {
    Provider parsed = requiredProvider(provider);
    return models(parsed).stream()
        .filter(model -> model.name().equals(modelName))
        .findFirst()
        .map(
            model -> DeploymentStatus.of(model, deployments.state(new ModelRef(parsed, modelName))))
        .orElseThrow(
            () ->
                new NotFoundException(
                    "model " + parsed.wireName() + "/" + modelName + " is not registered"));
  }

  @GetMapping("/status")
  DeploymentStatus.ProviderStatus statusOfProvider(
      @RequestParam(required = false) String provider) {
    Provider parsed = requiredProvider(provider);
    return new DeploymentStatus.ProviderStatus(
        parsed.wireName(), inParallel(models(parsed), model -> statusOf(parsed, model)));
  }

  /**
   * One status per model, asked all at once: with their worker away, each deployment takes its
   * whole deadline to say nothing, and one after another they would add up past any client's.
   */
  private static List<DeploymentStatus> inParallel(
      List<ModelListing> models, Function<ModelListing, DeploymentStatus> status) {
    try (ExecutorService asking = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<DeploymentStatus>> answers =
          models.stream().map(model -> asking.submit(() -> status.apply(model))).toList();
      List<DeploymentStatus> statuses = new ArrayList<>();
      for (Future<DeploymentStatus> answer : answers) {
        statuses.add(answer.get());
      }
      return statuses;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("interrupted while asking the deployments", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException runtime
          ? runtime
          : new IllegalStateException(e.getCause());
    }
  }

  /**
   * One model's status among many: a deployment that does not answer (its worker away) shows as
   * such, rather than turning the whole listing into a 503 when the registry's view is what an
   * operator needs.
   */
  private DeploymentStatus statusOf(Provider provider, ModelListing model) {
    try {
      return DeploymentStatus.of(model, deployments.state(new ModelRef(provider, model.name())));
    } catch (UnavailableException notAnswering) {
      return DeploymentStatus.notAnswering(model, notAnswering.getMessage());
    }
  }

  private List<ModelListing> models(Provider provider) {
    return registry.listModels().stream()
        .filter(model -> model.provider().equals(provider.wireName()))
        .toList();
  }

  private static Provider requiredProvider(String provider) {
    if (provider == null || provider.isBlank()) {
      throw new InvalidFieldException("provider", "provider is required");
    }
    return ModelsController.provider(provider);
  }

  private static String statusUrl(ModelRef model) {
    return "/api/v1/local-llm/models/status?provider="
        + model.provider().wireName()
        + "&model_name="
        + URLEncoder.encode(model.name(), StandardCharsets.UTF_8);
  }
}
