package dev.modelyard.infra.containers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.testing.TestImages;
import dev.modelyard.testing.TestServices;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The test environment's Ollama, packaged as an image and pulled from the local registry. */
class OllamaImageTests {

  private static final long MEMORY_LIMIT = 256L * 1024 * 1024;

  @Test
  void theOllamaImageFromTheLocalRegistryServes() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    try (DockerEngine docker =
        new DockerEngine(DockerEngineSettings.of(URI.create(TestServices.get("DOCKER_HOST"))))) {
      docker.pull(TestImages.ollama(), progress -> {}, Duration.ofMinutes(2));
      String id =
          docker.start(
              new ContainerSpec(
                  TestImages.ollama(),
                  "modelyard-test-ollama-" + UUID.randomUUID().toString().substring(0, 8),
                  List.of(),
                  Map.of("OLLAMA_HOST", "127.0.0.1:" + port),
                  Map.of("modelyard.test", "ollama-image"),
                  MEMORY_LIMIT,
                  0,
                  true));
      try {
        assertThat(awaitVersion(port)).contains("\"version\"");
      } finally {
        docker.stopAndRemove(id, Duration.ofSeconds(2));
      }
    }
  }

  private static String awaitVersion(int port) throws InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest version =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/version"))
            .timeout(Duration.ofSeconds(2))
            .build();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        return http.send(version, HttpResponse.BodyHandlers.ofString()).body();
      } catch (IOException notYet) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("Ollama in its container did not answer within 30 s", notYet);
        }
        Thread.sleep(200);
      }
    }
  }
}
