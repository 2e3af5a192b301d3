package dev.modelyard.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * LiteLLM's proxy (from PyPI, in the throwaway virtual environment that {@code
 * bench/gateway-latency.sh} makes) pointed at the same backend as Modelyard, for the side-by-side
 * comparison. One uvicorn worker, as LiteLLM starts by default; its logs go to a file.
 */
final class LiteLlmProxy implements AutoCloseable {

  static final String MASTER_KEY = "sk-bench-" + "0123456789abcdef0123456789abcdef";

  private final Process process;
  private final URI base;

  private LiteLlmProxy(Process process, URI base) {
    this.process = process;
    this.base = base;
  }

  static LiteLlmProxy start(Path executable, URI backend, int port) throws Exception {
    Path dir = Files.createTempDirectory("litellm-bench");
    Path config = dir.resolve("config.yaml");
    Files.writeString(
        config,
        """
        model_list:
          - model_name: fast
            litellm_params:
              model: openai/fast
              api_base: %s/v1
              api_key: none
        """
            .formatted(backend.toString().replaceAll("/$", "")));
    ProcessBuilder builder =
        new ProcessBuilder(
                executable.toString(),
                "--config",
                config.toString(),
                "--host",
                "127.0.0.1",
                "--port",
                Integer.toString(port))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("litellm.log").toFile());
    // A plain proxy, as fast as LiteLLM gets: the test services' database and Redis (which the
    // shell may export for the split topology) would make it a stateful one, or stop its start.
    builder.environment().remove("DATABASE_URL");
    builder.environment().remove("REDIS_URL");
    builder.environment().put("LITELLM_MASTER_KEY", MASTER_KEY);
    builder.environment().put("LITELLM_LOG", "ERROR");
    builder.environment().put("LITELLM_TELEMETRY", "False");
    LiteLlmProxy proxy = new LiteLlmProxy(builder.start(), URI.create("http://127.0.0.1:" + port));
    proxy.awaitUp(dir.resolve("litellm.log"));
    return proxy;
  }

  URI base() {
    return base;
  }

  long residentMegabytes() throws IOException {
    return Resident.megabytes(process, true);
  }

  private void awaitUp(Path log) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    Instant deadline = Instant.now().plusSeconds(120);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("LiteLLM exited: see " + log);
      }
      try {
        if (http.send(
                    HttpRequest.newBuilder(base.resolve("/health/liveliness"))
                        .timeout(Duration.ofSeconds(2))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode()
            == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("LiteLLM did not come up on " + base + ": see " + log);
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
  }
}
