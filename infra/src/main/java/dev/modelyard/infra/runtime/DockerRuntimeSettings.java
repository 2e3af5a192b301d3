package dev.modelyard.infra.runtime;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How the Docker runtime runs instances ({@code modelyard.docker.runtime.*}, e.g. {@code
 * MODELYARD_DOCKER_RUNTIME_ENGINE_RUNNER_IMAGE}).
 *
 * @param engineRunnerImage the image that serves GGUF models (the {@code local_gguf} and {@code
 *     huggingface} providers): its entry point is Modelyard's {@code EngineRunnerMain}, which takes
 *     {@code model-path served-name context-length cpu-threads parallel-slots port}, and it has
 *     {@code wget} for the health check
 * @param memoryLimit the memory limit of an instance whose resources name none, or null for none
 * @param pullTimeout how long an image pull may take, and how long an Ollama container's pull of
 *     its model may go without a word of progress
 * @param startTimeout how long a started container may take to answer {@code GET /health}: the
 *     engine runner loads its model before it listens, so as long as a large model's load may take
 *     (a {@code local-process} runner has {@code MODELYARD_INSTANCE_START_TIMEOUT}, also 10 min)
 * @param stopGrace how long a container has between SIGTERM and SIGKILL
 * @param healthInterval how often Docker's health check runs in the container
 * @param reconcile what a worker does at start with labelled containers it did not start
 * @param ollamaImage the image that serves {@code local_ollama} models: Ollama's binary as its
 *     entry point, {@code wget} for the health check; null runs none
 * @param ollamaModels a host folder the Ollama containers keep their models in, so that a model is
 *     downloaded once per host; null pulls into each container, and the copy goes with it
 * @param tgiImage the text-generation-inference image that serves {@code hf_local} models (entry
 *     point {@code text-generation-launcher}, {@code curl} for the health check); null runs none
 * @param keepOnShutdown whether a worker that stops gracefully leaves its containers running, for
 *     the worker after it to adopt ({@code reconcile} {@code adopt-known}), as a rolling upgrade
 *     wants; by default they are stopped and removed with it
 */
@ConfigurationProperties("modelyard.docker.runtime")
public record DockerRuntimeSettings(
    String engineRunnerImage,
    DataSize memoryLimit,
    @DefaultValue("10m") Duration pullTimeout,
    @DefaultValue("10m") Duration startTimeout,
    @DefaultValue("10s") Duration stopGrace,
    @DefaultValue("5s") Duration healthInterval,
    @DefaultValue("adopt-known") ReconcilePolicy reconcile,
    String ollamaImage,
    Path ollamaModels,
    String tgiImage,
    @DefaultValue("false") boolean keepOnShutdown) {

  public DockerRuntimeSettings {
    if (engineRunnerImage == null || engineRunnerImage.isBlank()) {
      throw new IllegalArgumentException(
          "engineRunnerImage must name an image (MODELYARD_DOCKER_RUNTIME_ENGINE_RUNNER_IMAGE),"
              + " was '"
              + engineRunnerImage
              + "'");
    }
    if (memoryLimit != null && memoryLimit.toBytes() <= 0) {
      throw new IllegalArgumentException("memoryLimit must be positive, was " + memoryLimit);
    }
    requirePositive(pullTimeout, "pullTimeout");
    requirePositive(startTimeout, "startTimeout");
    requirePositive(healthInterval, "healthInterval");
    if (stopGrace == null || stopGrace.isNegative()) {
      throw new IllegalArgumentException("stopGrace must be zero or positive, was " + stopGrace);
    }
    ollamaImage = blankAsNull(ollamaImage);
    tgiImage = blankAsNull(tgiImage);
    if (keepOnShutdown && reconcile == ReconcilePolicy.REMOVE_ALL) {
      throw new IllegalArgumentException(
          "keepOnShutdown needs reconcile adopt-known: the next worker would remove what it kept");
    }
  }

  /** The defaults, serving GGUF models with {@code engineRunnerImage}. */
  public static DockerRuntimeSettings of(String engineRunnerImage) {
    return new DockerRuntimeSettings(
        engineRunnerImage,
        null,
        Duration.ofMinutes(10),
        Duration.ofMinutes(10),
        Duration.ofSeconds(10),
        Duration.ofSeconds(5),
        ReconcilePolicy.ADOPT_KNOWN,
        null,
        null,
        null,
        false);
  }

  public DockerRuntimeSettings withMemoryLimit(DataSize memoryLimit) {
    return new DockerRuntimeSettings(
        engineRunnerImage,
        memoryLimit,
        pullTimeout,
        startTimeout,
        stopGrace,
        healthInterval,
        reconcile,
        ollamaImage,
        ollamaModels,
        tgiImage,
        keepOnShutdown);
  }

  /** These settings, running {@code local_ollama} models in {@code image}. */
  public DockerRuntimeSettings withOllama(String image, Path models) {
    return new DockerRuntimeSettings(
        engineRunnerImage,
        memoryLimit,
        pullTimeout,
        startTimeout,
        stopGrace,
        healthInterval,
        reconcile,
        image,
        models,
        tgiImage,
        keepOnShutdown);
  }

  /** These settings, running {@code hf_local} models in the TGI image {@code image}. */
  public DockerRuntimeSettings withTgi(String image) {
    return new DockerRuntimeSettings(
        engineRunnerImage,
        memoryLimit,
        pullTimeout,
        startTimeout,
        stopGrace,
        healthInterval,
        reconcile,
        ollamaImage,
        ollamaModels,
        image,
        keepOnShutdown);
  }

  /** These settings, leaving containers running when the worker stops, or not. */
  public DockerRuntimeSettings withKeepOnShutdown(boolean keep) {
    return new DockerRuntimeSettings(
        engineRunnerImage,
        memoryLimit,
        pullTimeout,
        startTimeout,
        stopGrace,
        healthInterval,
        reconcile,
        ollamaImage,
        ollamaModels,
        tgiImage,
        keep);
  }

  private static String blankAsNull(String image) {
    return image == null || image.isBlank() ? null : image;
  }

  private static void requirePositive(Duration value, String what) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, was " + value);
    }
  }
}
