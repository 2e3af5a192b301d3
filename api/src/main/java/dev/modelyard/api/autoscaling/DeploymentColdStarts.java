package dev.modelyard.api.autoscaling;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.modelyard.api.errors.UnavailableException;
import dev.modelyard.infra.registry.ModelRegistry;
import dev.modelyard.workflows.WorkflowIds;
import dev.modelyard.workflows.deployments.DeploymentWorkflow;
import dev.modelyard.workflows.models.ModelRef;
import dev.modelyard.workflows.models.Provider;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowServiceException;
import io.temporal.client.WorkflowUpdateException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cold starts through the deployment workflows: the {@code wake} update (which the deployment
 * refuses unless it is autoscaled), then the registry polled until an instance is routable. A
 * wake's answer is remembered for a few seconds, and the requests that arrive while one is under
 * way wait for that one: a burst of requests for a model at zero is one update, not one each (the
 * server allows a workflow only a few in flight), and requests for a model that nobody deployed do
 * not each ask Temporal. A wake waits no longer than the cold start may take: with no worker to
 * take the update, it would wait for ever.
 */
class DeploymentColdStarts implements ColdStarts {

  /** How long a wake's answer (woken, or not autoscaled) stands before Temporal is asked again. */
  static final Duration WAKE_ANSWER_FOR = Duration.ofSeconds(5);

  private static final Logger log = LoggerFactory.getLogger(DeploymentColdStarts.class);

  private static final ExecutorService WAKES = Executors.newVirtualThreadPerTaskExecutor();

  private final WorkflowClient client;
  private final ModelRegistry registry;
  private final ReadyInstances ready;
  private final AutoscalingSettings settings;

  /** One wake per model at a time; a failed one is not kept, so the next request wakes again. */
  private final AsyncCache<ModelRef, Boolean> wakes =
      Caffeine.newBuilder()
          .expireAfterWrite(WAKE_ANSWER_FOR)
          .maximumSize(10_000)
          .executor(WAKES)
          .buildAsync();

  /** Models woken in the background lately: a wake each every few seconds at most. */
  private final Cache<String, Boolean> wokenInBackground =
      Caffeine.newBuilder().expireAfterWrite(WAKE_ANSWER_FOR).maximumSize(10_000).build();

  DeploymentColdStarts(
      WorkflowClient client,
      ModelRegistry registry,
      ReadyInstances ready,
      AutoscalingSettings settings) {
    this.client = client;
    this.registry = registry;
    this.ready = ready;
    this.settings = settings;
  }

  @Override
  public boolean awaitInstance(String provider, String modelName) {
    return awaitInstance(provider, modelName, settings.coldStartTimeout());
  }

  @Override
  public boolean awaitInstance(String provider, String modelName, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (ModelRef model : registered(provider, modelName)) {
      if (wake(model, deadline)) {
        awaitRoutable(model, timeout, deadline);
        return true;
      }
    }
    return false;
  }

  @Override
  public void wakeInBackground(String provider, String modelName) {
    if (wokenInBackground.asMap().putIfAbsent(provider + "/" + modelName, Boolean.TRUE) != null) {
      return;
    }
    // The registry is read here too: off the request's thread.
    WAKES.execute(
        () -> {
          try {
            for (ModelRef model : registered(provider, modelName)) {
              wakes.get(model, this::wakeNow);
            }
          } catch (RuntimeException e) {
            log.warn("model {} could not be woken: {}", modelName, e.getMessage());
          }
        });
  }

  @Override
  public boolean isRegistered(String provider, String modelName) {
    return !registered(provider, modelName).isEmpty();
  }

  /** The registered models of that name: of the provider asked for, or of any. */
  private List<ModelRef> registered(String provider, String modelName) {
    List<Provider> providers =
        provider == null
            ? Arrays.asList(Provider.values())
            : Provider.fromWireName(provider).stream().toList();
    return providers.stream()
        .map(p -> new ModelRef(p, modelName))
        .filter(model -> registry.findModel(model).isPresent())
        .toList();
  }

  /**
   * True when the model's deployment is autoscaled and now wants at least one replica: this
   * request's wake, or the one under way or answered lately for the model, awaited until the
   * deadline.
   */
  private boolean wake(ModelRef model, long deadline) {
    CompletableFuture<Boolean> call = wakes.get(model, this::wakeNow);
    try {
      return call.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new UnavailableException(
          "model "
              + model
              + " has no instance and its deployment did not answer the wake in time: no worker"
              + " polls the runtime queue, or it is busy; it may still start",
          e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException failure
          ? failure
          : new UnavailableException("model " + model + " could not be woken", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("interrupted while model " + model + " wakes", e);
    }
  }

  private boolean wakeNow(ModelRef model) {
    String id = WorkflowIds.deployment(model);
    try {
      client.newWorkflowStub(DeploymentWorkflow.class, id).wake();
      return true;
    } catch (WorkflowNotFoundException | WorkflowUpdateException e) {
      // No running deployment, or one that is not autoscaled: its count was set by hand.
      return false;
    } catch (WorkflowServiceException | StatusRuntimeException e) {
      throw new UnavailableException(
          "model "
              + model
              + " has no instance and its deployment cannot be woken: "
              + e.getMessage(),
          e);
    }
  }

  private void awaitRoutable(ModelRef model, Duration timeout, long deadline) {
    while (!ready.anyRoutable(model)) {
      // A wake remembered from a few seconds ago may be stale (the deployment went back to zero
      // since): once its answer expires, this asks again, without waiting for the answer.
      wakes.get(model, this::wakeNow);
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new UnavailableException(
            "model %s is scaled to zero and starting: no instance was ready within %s; try again"
                    .formatted(model, timeout.toString().substring(2).toLowerCase())
                + " shortly (status: /api/v1/local-llm/models/status?provider="
                + model.provider().wireName()
                + "&model_name="
                + URLEncoder.encode(model.name(), StandardCharsets.UTF_8)
                + ")",
            null);
      }
      try {
        Thread.sleep(Math.min(settings.coldStartPoll().toMillis(), Math.max(1, left / 1_000_000)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UnavailableException("interrupted while model " + model + " starts", e);
      }
    }
  }
}
