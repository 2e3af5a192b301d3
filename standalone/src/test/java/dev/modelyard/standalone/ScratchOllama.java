package dev.modelyard.standalone;

import dev.modelyard.testing.TestServices;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An Ollama server of one test, with an empty model store of its own: what it pulls it really
 * downloads, since the test services' Ollama already holds the test model's blobs. It runs the test
 * services' Ollama binary on a free loopback port.
 */
final class ScratchOllama implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

  /**
   * The server never outlives this by much, even when the test's JVM dies before {@link #close}:
   * {@code timeout} stops it.
   */
  private static final Duration MAX_LIFETIME = Duration.ofMinutes(5);

  private final Process process;
  private final URI baseUrl;
  private final Path log;

  private ScratchOllama(Process process, URI baseUrl, Path log) {
    this.process = process;
    this.baseUrl = baseUrl;
    this.log = log;
  }

  /** Starts a server storing its models under {@code dir} and waits until it answers. */
  static ScratchOllama start(Path dir) throws IOException, InterruptedException {
    Path models = Files.createDirectories(dir.resolve("models"));
    Path log = dir.resolve("ollama.log");
    String address = "127.0.0.1:" + freePort();
    ProcessBuilder builder =
        new ProcessBuilder(
                List.of(
                    "timeout",
                    "--kill-after=" + STOP_TIMEOUT.toSeconds(),
                    String.valueOf(MAX_LIFETIME.toSeconds()),
                    TestServices.get("OLLAMA_BIN"),
                    "serve"))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().put("OLLAMA_HOST", address);
    builder.environment().put("OLLAMA_MODELS", models.toString());
    ScratchOllama ollama = new ScratchOllama(builder.start(), URI.create("http://" + address), log);
    try {
      ollama.awaitAnswer();
    } catch (IOException | InterruptedException | RuntimeException e) {
      ollama.close();
      throw e;
    }
    return ollama;
  }

  /** Its address, as OLLAMA_HOST would name it. */
  URI baseUrl() {
    return baseUrl;
  }

  /** Stops the server (and anything it started) and waits until it has. */
  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void awaitAnswer() throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpRequest version =
          HttpRequest.newBuilder(baseUrl.resolve("/api/version"))
              .timeout(Duration.ofSeconds(2))
              .build();
      while (true) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              "ollama serve on " + baseUrl + " exited: " + Files.readString(log));
        }
        try {
          if (http.send(version, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
            return;
          }
        } catch (IOException notYet) {
          // Not listening yet.
        }
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException(
              "ollama serve on "
                  + baseUrl
                  + " did not answer within "
                  + START_TIMEOUT
                  + ": "
                  + Files.readString(log));
        }
        Thread.sleep(100);
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
