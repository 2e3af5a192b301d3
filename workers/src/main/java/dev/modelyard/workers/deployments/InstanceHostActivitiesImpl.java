package dev.modelyard.workers.deployments;

import dev.modelyard.infra.engine.EngineOptions;
import dev.modelyard.infra.providers.openai.ChatCompletionRequest;
import dev.modelyard.infra.providers.openai.ChatCompletionResponse;
import dev.modelyard.infra.providers.openai.ChatMessage;
import dev.modelyard.infra.providers.openai.OpenAiCompatibleClient;
import dev.modelyard.infra.runtime.InstanceResources;
import dev.modelyard.infra.runtime.InstanceSpec;
import dev.modelyard.infra.runtime.ModelRuntime;
import dev.modelyard.infra.runtime.ModelServer;
import dev.modelyard.workflows.deployments.InstanceHostActivities;
import dev.modelyard.workflows.deployments.ResourceRequirements;
import dev.modelyard.workflows.deployments.StartInstance;
import dev.modelyard.workflows.deployments.StartedInstance;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionException;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.util.unit.DataSize;

public class InstanceHostActivitiesImpl implements InstanceHostActivities {

  private static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(1);

  private final ModelRuntime runtime;
  private final OpenAiCompatibleClient probeClient;

  private final StartAttempts attempts;

  public InstanceHostActivitiesImpl(ModelRuntime runtime, OpenAiCompatibleClient probeClient) {
    this.runtime = runtime;
    this.probeClient = probeClient;
    this.attempts = new StartAttempts(runtime);
  }

  /**
   * Starts and probes the instance on a thread of its own while this one heartbeats once a second:
   * a start can take minutes (an image pull, a model load), far past the heartbeat timeout, and
   * without heartbeats Temporal would time the attempt out and run a second start beside the first.
   * Cancelled, it interrupts the start and stops whatever the start leaves running once it ends:
   * the workflow's own stop may come before there is anything to stop.
   *
   * <p>A retry of an attempt that Temporal timed out, or a stop, may arrive while an attempt still
   * runs here: {@link StartAttempts} settles which of them owns what it started.
   */
  @Override
  public StartedInstance startInstance(StartInstance request) {
    InstanceSpec spec = spec(request);
    String instanceId = request.instanceId();
    ActivityExecutionContext activity = Activity.getExecutionContext();
    StartAttempts.Attempt attempt = attempts.begin(instanceId);
    CompletableFuture<StartedInstance> started = attempt.started;
    Thread starting =
        Thread.ofVirtual()
            .name("start-" + instanceId)
            .start(
                () -> {
                  StartedInstance instance = null;
                  Throwable failed = null;
                  try {
                    attempt.awaitPrevious();
                    URI endpoint = runtime.start(spec);
                    probe(endpoint, spec.servedModel());
                    instance =
                        new StartedInstance(
                            instanceId,
                            endpoint.toString(),
                            runtime.containerId(instanceId).orElse(null));
                  } catch (Throwable failure) {
                    failed = failure;
                  }
                  attempt.end();
                  if (failed == null) {
                    started.complete(instance);
                  } else {
                    // Handed to the activity's thread, which rethrows it.
                    started.completeExceptionally(failed);
                  }
                });
    try {
      return heartbeatingUntil(started, activity, "starting");
    } catch (ExecutionException e) {
      throw failureOf(e);
    } catch (ActivityCompletionException | InterruptedException e) {
      starting.interrupt();
      attempt.abandon();
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
        throw Activity.wrap(e);
      }
      throw (ActivityCompletionException) e;
    }
  }

  /**
   * Stops the instance on a thread of its own while this one heartbeats: a graceful stop (a
   * container's grace period, a generation finishing) may outlast the heartbeat timeout. Cancelled,
   * the stop still runs to its end: half a stop is worse than a late one.
   */
  @Override
  public void stopInstance(String instanceId) {
    attempts.stopping(instanceId);
    ActivityExecutionContext activity = Activity.getExecutionContext();
    CompletableFuture<Void> stopped = new CompletableFuture<>();
    Thread.ofVirtual()
        .name("stop-" + instanceId)
        .start(
            () -> {
              try {
                runtime.stop(instanceId);
                stopped.complete(null);
              } catch (Throwable failure) {
                stopped.completeExceptionally(failure);
              }
            });
    try {
      heartbeatingUntil(stopped, activity, "stopping");
    } catch (ExecutionException e) {
      throw failureOf(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Activity.wrap(e);
    }
  }

  /**
   * Waits for {@code work} on another thread, heartbeating {@code detail} every second meanwhile; a
   * cancellation or timeout of the activity reaches the caller as the heartbeat's exception.
   */
  private static <T> T heartbeatingUntil(
      CompletableFuture<T> work, ActivityExecutionContext activity, String detail)
      throws ExecutionException, InterruptedException {
    while (true) {
      activity.heartbeat(detail);
      try {
        return work.get(HEARTBEAT_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException stillWorking) {
        // heartbeat again
      }
    }
  }

  /** What the work on the other thread failed with, to throw from the activity's. */
  private static RuntimeException failureOf(ExecutionException e) {
    if (e.getCause() instanceof Error error) {
      throw error;
    }
    return e.getCause() instanceof RuntimeException failure ? failure : Activity.wrap(e.getCause());
  }

  /**
   * What the runtime runs: Ollama's models in Ollama, {@code hf_local} ones in TGI, files in the
   * engine runner. The model location is a name for Ollama, a folder or Hub ID for TGI.
   */
  private InstanceSpec spec(StartInstance request) {
    ModelServer server = ModelServer.of(request.provider());
    if (!runtime.runs(server)) {
      throw ApplicationFailure.newNonRetryableFailure(
          "this host's model runtime does not run "
              + server
              + " instances (provider "
              + request.provider().wireName()
              + "); the Docker runtime does, given its image",
          INSTANCE_START_REJECTED);
    }
    String location = request.modelPath();
    boolean named =
        server == ModelServer.OLLAMA || (server == ModelServer.TGI && !location.startsWith("/"));
    try {
      return new InstanceSpec(
          request.instanceId(),
          request.modelId(),
          named ? null : Path.of(location),
          options(request.resources()),
          resources(request.resources()),
          request.deployment(),
          server,
          named ? location : null);
    } catch (IllegalArgumentException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), INSTANCE_START_REJECTED);
    }
  }

  /**
   * A listening port is not readiness: the instance must answer a real one-token generation. A
   * server of several models (Ollama) must be told which.
   */
  private void probe(URI endpoint, String servedModel) {
    try {
      ChatCompletionResponse response =
          probeClient.chat(
              endpoint,
              new ChatCompletionRequest(
                  servedModel, List.of(new ChatMessage("user", "ping")), 1, 0.0, 1, false));
      if (response.usage() == null || response.usage().completionTokens() < 1) {
        throw ApplicationFailure.newFailure(
            endpoint + " answered the probe without generating a token", "ProbeFailed");
      }
    } catch (IOException e) {
      throw ApplicationFailure.newFailure(
          endpoint + " did not answer the readiness probe: " + e.getMessage(), "ProbeFailed");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure("interrupted while probing " + endpoint, "ProbeFailed");
    }
  }

  /** The limits a runtime enforces where it can: a container's memory limit and GPU requests. */
  private static InstanceResources resources(ResourceRequirements resources) {
    try {
      return new InstanceResources(
          resources.memoryBytes() == null ? null : DataSize.ofBytes(resources.memoryBytes()),
          resources.gpuDeviceIds());
    } catch (IllegalArgumentException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), INSTANCE_START_REJECTED);
    }
  }

  private static EngineOptions options(ResourceRequirements resources) {
    try {
      return EngineOptions.of(
          resources.contextLength(), resources.cpuThreads(), resources.parallelSlots());
    } catch (IllegalArgumentException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), INSTANCE_START_REJECTED);
    }
  }
}
