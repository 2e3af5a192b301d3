package dev.modelyard.api.models;

import dev.modelyard.api.errors.ConflictException;
import dev.modelyard.api.errors.InvalidFieldException;
import dev.modelyard.api.errors.NotFoundException;
import dev.modelyard.api.errors.UnavailableException;
import dev.modelyard.infra.registry.ModelListing;
import dev.modelyard.infra.registry.ModelRegistry;
import dev.modelyard.workflows.deployments.DeploymentState;
import dev.modelyard.workflows.deployments.LoadModelRequest;
import dev.modelyard.workflows.deployments.RegisterEndpointRequest;
import dev.modelyard.workflows.deployments.RegisterEndpointWorkflow;
import dev.modelyard.workflows.deployments.ResourceRequirements;
import dev.modelyard.workflows.deployments.UnloadModelRequest;
import dev.modelyard.workflows.models.HuggingFaceFile;
import dev.modelyard.workflows.models.ModelRef;
import dev.modelyard.workflows.models.Provider;
import dev.modelyard.workflows.models.PullModelRequest;
import jakarta.validation.Valid;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
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

  /** The Hub's name for one part of a model split across files: model-00001-of-00003.gguf. */
  private static final Pattern SPLIT_GGUF =
      Pattern.compile("-\\d{5}-of-\\d{5}\\.gguf$", Pattern.CASE_INSENSITIVE);

  /** Providers whose models Modelyard fetches; the others are servers registered by URL. */
  static final Set<Provider> PULLABLE =
      EnumSet.of(Provider.LOCAL_GGUF, Provider.HUGGINGFACE, Provider.LOCAL_OLLAMA);

  private final ModelLifecycle lifecycle;
  private final ModelDeployments deployments;
  private final ModelRegistry registry;

  ModelsController(ModelLifecycle lifecycle, ModelDeployments deployments, ModelRegistry registry) {
    this.lifecycle = lifecycle;
    this.deployments = deployments;
    this.registry = registry;
  }

  @GetMapping
  ModelList list() {
    return new ModelList(registry.listModels());
  }

  @PostMapping("/pull")
  @ResponseStatus(HttpStatus.ACCEPTED)
  TaskAccepted pull(@Valid @RequestBody PullRequest body) {
    Provider provider = provider(body.provider());
    if (!PULLABLE.contains(provider)) {
      throw new InvalidFieldException(
          "provider",
          provider.wireName()
              + " serves models it already has; register it with POST /api/v1/local-llm/models/register");
    }
    ModelRef model = new ModelRef(provider, pulledName(provider, body));
    requireNameOfItsOwn(model);
    if (body.host() != null) {
      requireKnownHost(body.host());
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
    ResourceRequirements resources = ResourceRequirementsBody.of(body.resourceRequirements());
    requireRegistered(model);
    requireNotHeldAtZero(model);
    String taskId = lifecycle.startLoad(new LoadModelRequest(model, resources));
    return TaskAccepted.of(taskId, "load");
  }

  /**
   * A URL the worker can call: one its pattern lets through but Java cannot parse, or without a
   * host ("http://[oops", "http://:8080"), failed the register task half a minute later instead.
   */
  private static void requireUsableUrl(String baseUrl) {
    URI uri;
    try {
      uri = new URI(baseUrl);
    } catch (URISyntaxException e) {
      throw new InvalidFieldException("base_url", "not a valid URL: " + e.getMessage());
    }
    if (uri.getHost() == null) {
      throw new InvalidFieldException("base_url", "the URL names no host: " + baseUrl);
    }
  }

  /**
   * A deployment counts every active instance of its model as its own: one held at zero (by an
   * unload, a scale to 0, or its autoscaler) would stop what a load starts within a minute.
   */
  private void requireNotHeldAtZero(ModelRef model) {
    Optional<DeploymentState> state;
    try {
      state = deployments.state(model);
    } catch (UnavailableException unknown) {
      // Its worker is away: the load is taken as it was before this check, not refused for it.
      return;
    }
    state
        .filter(deployment -> deployment.desiredInstances() == 0)
        .ifPresent(
            deployment -> {
              throw new ConflictException(
                  model
                      + " is under a deployment that holds 0 instances and would stop what a load"
                      + " starts: scale it with POST /api/v1/local-llm/models/scale"
                      + (deployment.autoscaling() == null
                          ? ", or end it with DELETE /api/v1/local-llm/tasks/"
                              + deployments.taskId(model)
                          : " (autoscaled: a generation request for it wakes it too)"));
            });
  }

  @PostMapping("/unload")
  @ResponseStatus(HttpStatus.ACCEPTED)
  TaskAccepted unload(@Valid @RequestBody UnloadRequest body) {
    ModelRef model = new ModelRef(provider(body.provider()), body.modelName());
    requireRegistered(model);
    // A deployment would start again what the unload stops: its desired count goes to zero first.
    deployments.scaleToZeroIfDeployed(model);
    return TaskAccepted.of(lifecycle.startUnload(new UnloadModelRequest(model)), "unload");
  }

  @PostMapping("/register")
  @ResponseStatus(HttpStatus.ACCEPTED)
  TaskAccepted register(@Valid @RequestBody RegisterRequest body) {
    Provider provider = provider(body.provider());
    if (PULLABLE.contains(provider)) {
      throw new InvalidFieldException(
          "provider",
          "only openai_compatible and hf_local servers are registered by URL; pull "
              + provider.wireName()
              + " models with POST /api/v1/local-llm/models/pull");
    }
    ModelRef model = new ModelRef(provider, body.modelName());
    requireNameOfItsOwn(model);
    requireUsableUrl(body.baseUrl());
    return TaskAccepted.of(
        lifecycle.startRegister(new RegisterEndpointRequest(model, body.baseUrl())), "register");
  }

  /**
   * What the server's request firewall refuses in a path, escaped or not, besides control
   * characters and the line and paragraph separators.
   */
  private static final String PATH_REFUSED = "%;\\";

  /**
   * Before any task starts: task and deployment IDs ignore case and surrounding spaces, so a name
   * that is not registered could otherwise join another model's load, or scale its deployment to
   * zero before the unload failed.
   */
  private void requireRegistered(ModelRef model) {
    if (registry.findModel(model).isEmpty()) {
      throw new NotFoundException(
          "model "
              + model
              + " is not registered; GET /api/v1/local-llm/models lists those that are");
    }
  }

  /**
   * Task and deployment IDs write a name in lower case with '/' as '~' (readable, URL-safe IDs), so
   * a new name must not become the ID of another: no '~', no spaces at either end, and no other
   * model of the provider whose name differs only in case.
   */
  private void requireNameOfItsOwn(ModelRef model) {
    String name = model.name();
    if (name.indexOf('~') >= 0) {
      throw new InvalidFieldException(
          "model_name", "'~' is not allowed in a model name: task IDs write '/' as '~'");
    }
    for (char c : name.toCharArray()) {
      if (PATH_REFUSED.indexOf(c) >= 0
          || Character.isISOControl(c)
          || c == '\u2028'
          || c == '\u2029') {
        throw new InvalidFieldException(
            "model_name",
            "%s is not allowed in a model name: its task's URL could not be read (the server"
                    .formatted(Character.isISOControl(c) ? "a control character" : "'" + c + "'")
                + " refuses it in a path, even escaped)");
      }
    }
    if (!name.equals(name.strip())) {
      throw new InvalidFieldException(
          "model_name", "a model name must not start or end with white space");
    }
    registry
        .nameSharingTaskIds(model)
        .ifPresent(
            existing -> {
              throw new ConflictException(
                  "a %s model named '%s' is registered; '%s' differs from it only in case, and"
                          .formatted(model.provider().wireName(), existing, name)
                      + " the two would share their tasks and deployment: use that name, or"
                      + " another one");
            });
  }

  /**
   * A pull pinned to a host no live worker serves would wait for that worker until it timed out;
   * the caller hears it now instead.
   */
  private void requireKnownHost(String host) {
    List<String> hosts =
        registry.hostIds().stream()
            .filter(known -> !RegisterEndpointWorkflow.EXTERNAL_HOST.equals(known))
            .toList();
    if (!hosts.contains(host)) {
      throw new InvalidFieldException(
          "host",
          "no worker of host '"
              + host
              + "' has said it is alive in the last few minutes; live hosts: "
              + hosts);
    }
  }

  /** The registry name of a pulled model; for huggingface it is "org/repo/file.gguf". */
  private static String pulledName(Provider provider, PullRequest body) {
    return switch (provider) {
      case LOCAL_GGUF -> {
        if (body.path() == null || body.path().isBlank()) {
          throw new InvalidFieldException("path", "path is required for provider local_gguf");
        }
        yield body.modelName();
      }
      case HUGGINGFACE -> {
        String name = body.file() != null ? body.modelName() + "/" + body.file() : body.modelName();
        String field = body.file() != null ? "file" : "model_name";
        HuggingFaceFile file;
        try {
          file = HuggingFaceFile.parse(name);
        } catch (IllegalArgumentException e) {
          throw new InvalidFieldException(
              field,
              e.getMessage()
                  + "; give model_name \"org/repo\" and file \"name.gguf\", or model_name"
                  + " \"org/repo/name.gguf\"");
        }
        refuseWhatIsNoSingleGguf(file.path(), field);
        yield name;
      }
      default -> body.modelName();
    };
  }

  /**
   * Only a whole GGUF file can be inspected, placed and served; anything else would be downloaded
   * in full (gigabytes, often) before its inspection refused it.
   */
  private static void refuseWhatIsNoSingleGguf(String path, String field) {
    if (!path.toLowerCase(Locale.ROOT).endsWith(".gguf")) {
      throw new InvalidFieldException(
          field, "'" + path + "' is no GGUF file; Modelyard pulls .gguf files from the Hub");
    }
    if (SPLIT_GGUF.matcher(path).find()) {
      throw new InvalidFieldException(
          field,
          "'"
              + path
              + "' is one part of a split GGUF model, which Modelyard does not pull yet; pull a"
              + " quantisation that is one file");
    }
  }

  static Provider provider(String wireName) {
    return Providers.parse(wireName);
  }

  record ModelList(List<ModelListing> models) {}
}
