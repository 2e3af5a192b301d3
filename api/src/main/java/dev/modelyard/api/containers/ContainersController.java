package dev.modelyard.api.containers;

import dev.modelyard.api.errors.InvalidFieldException;
import dev.modelyard.api.models.ModelLifecycle;
import dev.modelyard.api.models.Providers;
import dev.modelyard.api.models.ResourceRequirementsBody;
import dev.modelyard.api.models.TaskAccepted;
import dev.modelyard.workflows.containers.ContainerListing;
import dev.modelyard.workflows.containers.ContainerLogs;
import dev.modelyard.workflows.containers.ContainerLogsRequest;
import dev.modelyard.workflows.deployments.LoadModelRequest;
import dev.modelyard.workflows.deployments.ResourceRequirements;
import dev.modelyard.workflows.models.ModelRef;
import dev.modelyard.workflows.models.Provider;
import jakarta.validation.Valid;
import java.util.EnumSet;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Model containers. A container is an instance of a model run by a host's Docker runtime: create is
 * a load (placement, reservation, health checks and all), delete stops that one instance.
 */
@RestController
@RequestMapping("/api/v1/local-llm/containers")
class ContainersController {

  /**
   * The engine-runner image serves GGUF files, the Ollama image Ollama's models; the rest are
   * served elsewhere, or (hf_local) through a load.
   */
  private static final Set<Provider> CONTAINED =
      EnumSet.of(Provider.LOCAL_GGUF, Provider.HUGGINGFACE, Provider.LOCAL_OLLAMA);

  private static final int DEFAULT_TAIL = 100;

  private final ModelLifecycle lifecycle;
  private final Containers containers;

  ContainersController(ModelLifecycle lifecycle, Containers containers) {
    this.lifecycle = lifecycle;
    this.containers = containers;
  }

  @PostMapping("/create")
  @ResponseStatus(HttpStatus.ACCEPTED)
  TaskAccepted create(@Valid @RequestBody CreateContainerRequest body) {
    Provider provider = Providers.parse(body.provider());
    if (!CONTAINED.contains(provider)) {
      throw new InvalidFieldException(
          "provider",
          provider.wireName()
              + " models do not run in Modelyard's containers; expected local_gguf, huggingface"
              + " or local_ollama");
    }
    ModelRef model = new ModelRef(provider, body.modelName());
    ResourceRequirements resources = ResourceRequirementsBody.of(body.resourceRequirements());
    containers.refuseWhatItsHostCannotRun(model);
    String taskId = lifecycle.startLoad(new LoadModelRequest(model, resources));
    return TaskAccepted.of(taskId, "load");
  }

  @GetMapping
  ContainerList list() {
    ContainerListing listing = containers.list();
    return new ContainerList(listing.containers(), listing.unreachable());
  }

  @DeleteMapping("/{containerId}")
  @ResponseStatus(HttpStatus.ACCEPTED)
  TaskAccepted delete(@PathVariable String containerId) {
    return TaskAccepted.of(containers.delete(containerId), "stop");
  }

  @GetMapping("/{containerId}/logs")
  ContainerLogs logs(
      @PathVariable String containerId,
      @RequestParam(name = "tail", required = false) Integer tail) {
    int lines = tail == null ? DEFAULT_TAIL : tail;
    if (lines < 1 || lines > ContainerLogsRequest.MAX_TAIL) {
      throw new InvalidFieldException(
          "tail", "tail must be between 1 and " + ContainerLogsRequest.MAX_TAIL + ", was " + lines);
    }
    return containers.logs(containerId, lines);
  }
}
