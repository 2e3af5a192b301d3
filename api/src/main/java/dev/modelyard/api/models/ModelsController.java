package dev.modelyard.api.models;

import dev.modelyard.api.errors.InvalidFieldException;
import dev.modelyard.infra.registry.ModelListing;
import dev.modelyard.infra.registry.ModelRegistry;
import dev.modelyard.workflows.deployments.LoadModelRequest;
import dev.modelyard.workflows.deployments.ResourceRequirements;
import dev.modelyard.workflows.models.ModelRef;
import dev.modelyard.workflows.models.Provider;
import dev.modelyard.workflows.models.PullModelRequest;
import jakarta.validation.Valid;
import java.util.Arrays;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/local-llm/models")
class ModelsController {

  private final ModelLifecycle lifecycle;
  private final ModelRegistry registry;

  ModelsController(ModelLifecycle lifecycle, ModelRegistry registry) {
    this.lifecycle = lifecycle;
    this.registry = registry;
  }

  @GetMapping
  ModelList list() {
    return new ModelList(registry.listModels());
  }

  @PostMapping("/pull")
  @ResponseStatus(HttpStatus.ACCEPTED)
  TaskAccepted pull(@Valid @RequestBody PullRequest body) {
    ModelRef model = new ModelRef(provider(body.provider()), body.modelName());
    if (model.provider() == Provider.LOCAL_GGUF && (body.path() == null || body.path().isBlank())) {
      throw new InvalidFieldException("path", "path is required for provider local_gguf");
    }
    int priority = body.priority() != null ? body.priority() : 5;
    String taskId =
        lifecycle.startPull(new PullModelRequest(model, body.path(), priority, body.host()));
    return TaskAccepted.of(taskId, "pull");
  }

  @PostMapping("/load")
  @ResponseStatus(HttpStatus.ACCEPTED)
  TaskAccepted load(@Valid @RequestBody LoadRequest body) {
    ModelRef model = new ModelRef(provider(body.provider()), body.modelName());
    LoadRequest.ResourceRequirementsBody resources = body.resourceRequirements();
    String taskId =
        lifecycle.startLoad(
            new LoadModelRequest(
                model,
                resources == null
                    ? ResourceRequirements.DEFAULTS
                    : new ResourceRequirements(
                        resources.contextLength(),
                        resources.cpuThreads(),
                        resources.parallelSlots())));
    return TaskAccepted.of(taskId, "load");
  }

  static Provider provider(String wireName) {
    return Provider.fromWireName(wireName)
        .orElseThrow(
            () ->
                new InvalidFieldException(
                    "provider",
                    "unknown provider '"
                        + wireName
                        + "'; expected one of "
                        + Arrays.stream(Provider.values()).map(Provider::wireName).toList()));
  }

  record ModelList(List<ModelListing> models) {}
}
