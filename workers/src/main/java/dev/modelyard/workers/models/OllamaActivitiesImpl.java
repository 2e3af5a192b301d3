package dev.modelyard.workers.models;

import dev.modelyard.infra.providers.ollama.ModelDetails;
import dev.modelyard.infra.providers.ollama.OllamaClient;
import dev.modelyard.infra.providers.ollama.OllamaException;
import dev.modelyard.infra.providers.ollama.OllamaModel;
import dev.modelyard.infra.providers.ollama.OllamaModelName;
import dev.modelyard.workflows.models.ModelFileFacts;
import dev.modelyard.workflows.models.OllamaActivities;
import dev.modelyard.workflows.tasks.TransferProgress;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

public class OllamaActivitiesImpl implements OllamaActivities, AutoCloseable {

  /**
   * Ollama says nothing while it verifies or writes a large blob, which takes minutes for models of
   * tens of gigabytes.
   */
  static final Duration STALL_TIMEOUT = Duration.ofMinutes(10);

  private static final String DIGEST_PREFIX = "sha256:";

  private final OllamaClient ollama;
  private final String hostId;

  /**
   * @param ollama the client of this host's Ollama, or null when OLLAMA_HOST is not set here
   */
  OllamaActivitiesImpl(OllamaClient ollama, String hostId) {
    this.ollama = ollama;
    this.hostId = hostId;
  }

  @Override
  public ModelFileFacts pullOllamaModel(String model) {
    if (ollama == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "no Ollama server is configured on host "
              + hostId
              + ": set OLLAMA_HOST (e.g. 127.0.0.1:11434) for its worker",
          OLLAMA_NOT_CONFIGURED);
    }
    OllamaModelName name = parsed(model);
    ActivityExecutionContext activity = Activity.getExecutionContext();
    try {
      HeartbeatingTransfer.run(
          activity,
          null,
          STALL_TIMEOUT,
          progress -> {
            // Ollama reports one layer at a time and announces each only when it starts; summing
            // the layers seen so far keeps bytes done from going backwards between layers.
            Map<String, TransferProgress> layers = new LinkedHashMap<>();
            // A registry on this machine rarely has TLS; Ollama needs to be told that is fine.
            ollama.pull(
                model,
                name.isLoopbackRegistry(),
                step -> {
                  if (step.total() > 0) {
                    layers.put(step.digest(), new TransferProgress(step.completed(), step.total()));
                    progress.report(
                        new TransferProgress(
                            layers.values().stream().mapToLong(TransferProgress::bytesDone).sum(),
                            layers.values().stream()
                                .mapToLong(TransferProgress::bytesTotal)
                                .sum()));
                  } else {
                    progress.alive();
                  }
                });
            return null;
          });
      return facts(stored(name));
    } catch (IOException e) {
      throw classified(model, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Activity.wrap(e);
    }
  }

  @Override
  public void close() {
    if (ollama != null) {
      ollama.close();
    }
  }

  private OllamaModel stored(OllamaModelName name) throws IOException, InterruptedException {
    return ollama.tags().stream()
        .filter(m -> name.sameModelAs(m.name()))
        .findFirst()
        // Retried: Ollama said success, so the listing should catch up.
        .orElseThrow(
            () ->
                ApplicationFailure.newFailure(
                    "Ollama reported pulling " + name.canonical() + " but does not list it",
                    "OllamaModelNotListed"));
  }

  private static ModelFileFacts facts(OllamaModel model) {
    ModelDetails details = model.details();
    String digest = model.digest().toLowerCase(Locale.ROOT);
    return new ModelFileFacts(
        model.name(),
        model.size(),
        digest.startsWith(DIGEST_PREFIX) ? digest.substring(DIGEST_PREFIX.length()) : digest,
        "ollama",
        details == null ? null : details.family(),
        details == null ? 0 : details.parameterCount(),
        details == null ? null : details.quantizationLevel(),
        // /api/tags does not say; /api/show would, once a caller needs it.
        0);
  }

  private static OllamaModelName parsed(String model) {
    try {
      return OllamaModelName.parse(model);
    } catch (IllegalArgumentException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), PULL_REJECTED);
    }
  }

  /**
   * Failures Ollama reports mid-stream, after its 200, that another attempt would meet too: the
   * registry refused the manifest (a 4xx in its words, such as 412 for a model that needs a newer
   * Ollama; not 408 or 429, which a later attempt may not meet), or the disk is full. Retried, each
   * kept the pull "downloading" for two days.
   */
  private static final Pattern FINAL_MID_STREAM =
      Pattern.compile(
          "file does not exist|not found|manifest: 4(?!08|29)\\d\\d|requires a newer version"
              + "|no space left on device|invalid model name|unauthorized");

  /**
   * A refusal (4xx, or a stream that says the model does not exist, or another failure that would
   * recur) is final; a server or registry that is down or slow is retried.
   */
  static RuntimeException classified(String model, IOException e) {
    if (e instanceof OllamaException refused) {
      int status = refused.status();
      boolean clientError = status >= 400 && status < 500 && status != 408 && status != 429;
      String message = String.valueOf(refused.getMessage()).toLowerCase(Locale.ROOT);
      if (clientError || FINAL_MID_STREAM.matcher(message).find()) {
        return ApplicationFailure.newNonRetryableFailure(
            "Ollama cannot pull " + model + ": " + refused.getMessage(), PULL_REJECTED);
      }
    }
    return Activity.wrap(e);
  }
}
