package dev.modelyard.infra.providers.ollama;

import dev.modelyard.infra.providers.Snippets;
import dev.modelyard.infra.providers.WholeAnswers;
import dev.modelyard.infra.providers.ollama.OllamaWire.DeleteRequest;
import dev.modelyard.infra.providers.ollama.OllamaWire.GenerateRequest;
import dev.modelyard.infra.providers.ollama.OllamaWire.GenerateResponse;
import dev.modelyard.infra.providers.ollama.OllamaWire.PsResponse;
import dev.modelyard.infra.providers.ollama.OllamaWire.PullLine;
import dev.modelyard.infra.providers.ollama.OllamaWire.PullRequest;
import dev.modelyard.infra.providers.ollama.OllamaWire.TagsResponse;
import dev.modelyard.infra.providers.ollama.OllamaWire.VersionResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Talks to one Ollama server through its native API ({@code /api/...}). */
public final class OllamaClient implements AutoCloseable {

  private final URI baseUrl;
  private final Duration requestTimeout;
  private final HttpClient http;

  public OllamaClient(OllamaSettings settings) {
    this.baseUrl = settings.baseUrl();
    this.requestTimeout = settings.requestTimeout();
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(settings.connectTimeout())
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  /** The server's version, e.g. {@code 0.24.0}. */
  public String version() throws IOException, InterruptedException {
    return get("/api/version", VersionResponse.class).version();
  }

  /** The models stored on the server. */
  public List<OllamaModel> tags() throws IOException, InterruptedException {
    return get("/api/tags", TagsResponse.class).models();
  }

  /** The models loaded in memory now. */
  public List<RunningModel> ps() throws IOException, InterruptedException {
    return get("/api/ps", PsResponse.class).models();
  }

  /** Generates a completion of {@code prompt}, loading the model first if it is not loaded. */
  public Generation generate(String model, String prompt, GenerationOptions options)
      throws IOException, InterruptedException {
    GenerateResponse answer =
        send(
            "POST",
            "/api/generate",
            new GenerateRequest(model, prompt, false, options),
            GenerateResponse.class);
    return new Generation(
        answer.response(),
        answer.model(),
        answer.doneReason(),
        answer.promptEvalCount(),
        answer.evalCount(),
        Duration.ofNanos(answer.totalDuration()),
        Duration.ofNanos(answer.loadDuration()),
        Duration.ofNanos(answer.promptEvalDuration()),
        Duration.ofNanos(answer.evalDuration()));
  }

  /**
   * Pulls {@code model} from its registry, passing each progress line to {@code progress}, and
   * returns once Ollama reports success. Unbounded: the caller watches for stalls.
   *
   * @param insecure allow a registry over plain HTTP or with an untrusted certificate
   */
  public void pull(String model, boolean insecure, Consumer<ModelPullProgress> progress)
      throws IOException, InterruptedException {
    pull(model, insecure, progress, null);
  }

  /**
   * As {@link #pull(String, boolean, Consumer)}, failing with an {@link OllamaException} of status
   * 504 once Ollama has reported no progress for {@code stallTimeout} (null: no bound): a large
   * pull that is moving is not cut short. Progress is a new status or more bytes: while a blob
   * downloads, Ollama repeats its line every 60 ms whether bytes come or not, and retries a stalled
   * part for good.
   */
  public void pull(
      String model, boolean insecure, Consumer<ModelPullProgress> progress, Duration stallTimeout)
      throws IOException, InterruptedException {
    HttpRequest request = request("POST", "/api/pull", new PullRequest(model, insecure, true));
    boolean stallBoundsHeaders = stallTimeout != null && stallTimeout.compareTo(requestTimeout) < 0;
    if (stallBoundsHeaders) {
      request =
          HttpRequest.newBuilder(request, (name, value) -> true).timeout(stallTimeout).build();
    }
    HttpResponse<Stream<String>> response;
    try {
      response = http.send(request, BodyHandlers.ofLines());
    } catch (HttpConnectTimeoutException e) {
      throw e;
    } catch (HttpTimeoutException e) {
      // No headers within the request's timeout, which is the stall timeout when it is shorter.
      throw stallBoundsHeaders ? stalled(model, stallTimeout) : e;
    }
    Stall stall = new Stall();
    try (Stream<String> lines = response.body()) {
      Thread watchdog = stallTimeout == null ? null : stall.watch(lines, stallTimeout);
      try {
        readPull(model, response.statusCode(), lines, stall::moved, progress);
      } catch (UncheckedIOException e) {
        throw e.getCause();
      } finally {
        if (watchdog != null) {
          watchdog.interrupt();
        }
      }
    } catch (IOException e) {
      if (stall.closed) {
        throw stalled(model, stallTimeout);
      }
      throw e;
    }
  }

  private static OllamaException stalled(String model, Duration stallTimeout) {
    return new OllamaException(
        504, "pulling " + model + ": Ollama reported no progress for " + stallTimeout);
  }

  /** When the pull last moved, and whether its stream was closed for not moving since. */
  private static final class Stall {

    private volatile long movedAt = System.nanoTime();
    private volatile boolean closed;

    void moved() {
      movedAt = System.nanoTime();
    }

    Thread watch(Stream<String> lines, Duration stallTimeout) {
      return Thread.ofVirtual()
          .name("ollama-pull-stall")
          .start(
              () -> {
                try {
                  long left;
                  while ((left = movedAt + stallTimeout.toNanos() - System.nanoTime()) > 0) {
                    Thread.sleep(Duration.ofNanos(left));
                  }
                } catch (InterruptedException finished) {
                  return;
                }
                closed = true;
                // Wakes the read blocked on the stream, which then fails with "closed".
                lines.close();
              });
    }
  }

  private void readPull(
      String model,
      int status,
      Stream<String> lines,
      Runnable moved,
      Consumer<ModelPullProgress> progress)
      throws IOException {
    if (!isSuccess(status)) {
      throw failure("POST /api/pull", status, lines.collect(Collectors.joining("\n")));
    }
    Iterator<String> it = lines.filter(line -> !line.isBlank()).iterator();
    ModelPullProgress previous = null;
    while (it.hasNext()) {
      PullLine line = OllamaWire.JSON.readValue(it.next(), PullLine.class);
      if (line.error() != null) {
        // Ollama reports failures that happen mid-stream as a line, after a 200 status.
        throw new OllamaException(status, "pulling " + model + " failed: " + line.error());
      }
      ModelPullProgress step =
          new ModelPullProgress(
              Objects.requireNonNullElse(line.status(), ""),
              Objects.requireNonNullElse(line.digest(), ""),
              line.total(),
              line.completed());
      if (!step.equals(previous)) {
        moved.run();
      }
      previous = step;
      progress.accept(step);
      if (step.isSuccess()) {
        return;
      }
    }
    throw new OllamaException(status, "pulling " + model + ": the stream ended before success");
  }

  /** Deletes a stored model; an {@link OllamaException} with status 404 when there is none. */
  public void delete(String model) throws IOException, InterruptedException {
    send("DELETE", "/api/delete", new DeleteRequest(model), null);
  }

  @Override
  public void close() {
    http.close();
  }

  private <T> T get(String path, Class<T> answerType) throws IOException, InterruptedException {
    return send("GET", path, null, answerType);
  }

  /**
   * Sends {@code body} as JSON and reads the answer as {@code answerType}, unless it is null. The
   * whole answer comes within the request timeout: on JDK 25 a request's own timeout ends with the
   * headers, and a server that sent them and then stalled held the caller for good.
   */
  private <T> T send(String method, String path, Object body, Class<T> answerType)
      throws IOException, InterruptedException {
    HttpResponse<byte[]> response =
        WholeAnswers.within(
            http,
            request(method, path, body),
            BodyHandlers.ofByteArray(),
            method + " " + path + " at " + baseUrl);
    if (!isSuccess(response.statusCode())) {
      throw failure(
          method + " " + path,
          response.statusCode(),
          new String(response.body(), StandardCharsets.UTF_8));
    }
    return answerType == null ? null : OllamaWire.JSON.readValue(response.body(), answerType);
  }

  private HttpRequest request(String method, String path, Object body) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(baseUrl.resolve(path)).timeout(requestTimeout);
    if (body == null) {
      return builder.method(method, BodyPublishers.noBody()).build();
    }
    return builder
        .header("Content-Type", "application/json")
        .method(method, BodyPublishers.ofByteArray(OllamaWire.JSON.writeValueAsBytes(body)))
        .build();
  }

  private static boolean isSuccess(int status) {
    return status >= 200 && status < 300;
  }

  private OllamaException failure(String call, int status, String body) {
    return new OllamaException(
        status,
        "Ollama at " + baseUrl + " answered " + status + " to " + call + ": " + Snippets.of(body));
  }
}
