package dev.modelyard.workers.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.modelyard.infra.engine.EngineOptions;
import dev.modelyard.infra.engine.EngineRunner;
import dev.modelyard.infra.engine.LlamaEngine;
import dev.modelyard.testing.StallingHttpServer;
import dev.modelyard.testing.TestServices;
import dev.modelyard.workflows.health.ProbeOutcome;
import dev.modelyard.workflows.health.ProbeRequest;
import dev.modelyard.workflows.health.ProbeResult;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Probes of the real tiny model in the real engine runner: alive, busy, dead. */
@Timeout(60)
class InstanceProbeActivitiesImplTests {

  private final InstanceProbeActivitiesImpl probes = new InstanceProbeActivitiesImpl();

  @Test
  void aServingInstanceAnswersWithItsGenerationLatency() {
    try (Tiny tiny = Tiny.start(2)) {
      ProbeResult result = probes.probe(request(tiny.endpoint(), 5_000));

      assertThat(result.outcome()).isEqualTo(ProbeOutcome.ANSWERED);
      assertThat(result.latencyMillis()).isBetween(0L, 5_000L);
      assertThat(result.detail()).isNull();
    }
  }

  @Test
  void anInstanceWhoseSlotsAreAllTakenIsBusyNotFailed() throws Exception {
    try (Tiny tiny = Tiny.start(1)) {
      // Hold the only slot with a real generation whose reader is slow, as a long answer would.
      CountDownLatch holding = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      Thread generation = Thread.ofVirtual().start(() -> tiny.generateSlowly(holding, release));
      assertThat(holding.await(20, TimeUnit.SECONDS)).isTrue();

      ProbeResult result = probes.probe(request(tiny.endpoint(), 300));
      release.countDown();
      generation.join();

      assertThat(result.outcome()).isEqualTo(ProbeOutcome.BUSY);
      assertThat(result.latencyMillis()).isGreaterThanOrEqualTo(300);
      assertThat(result.detail()).contains("queued");
    }
  }

  @Test
  void aStoppedInstanceFailsWithConnectionRefused() {
    Tiny tiny = Tiny.start(1);
    String endpoint = tiny.endpoint();
    tiny.close();

    ProbeResult result = probes.probe(request(endpoint, 1_000));

    assertThat(result.outcome()).isEqualTo(ProbeOutcome.FAILED);
    assertThat(result.detail()).isEqualTo("liveness: connection refused");
  }

  @Test
  void aServerAnsweringErrorsFails() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(
              exchange.getRequestURI().getPath().equals("/health") ? 200 : 503, -1);
          exchange.close();
        });
    server.start();
    try {
      ProbeResult result =
          probes.probe(request("http://127.0.0.1:" + server.getAddress().getPort(), 1_000));

      assertThat(result.outcome()).isEqualTo(ProbeOutcome.FAILED);
      assertThat(result.detail()).startsWith("generation:").contains("503");
    } finally {
      server.stop(0);
    }
  }

  /** A wedged server: headers, then never the body; the probe fails within its own timeouts. */
  @Test
  void aServerThatStallsAfterItsHeadersFailsWithinTheProbesTimeouts() throws Exception {
    try (StallingHttpServer stalling =
        StallingHttpServer.answering(path -> path.equals("/health") ? 500 : 200)) {
      long start = System.nanoTime();

      ProbeResult result = probes.probe(request(stalling.baseUri().toString(), 1_000));

      assertThat(result.outcome()).isEqualTo(ProbeOutcome.FAILED);
      assertThat(result.detail()).startsWith("liveness:");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }
  }

  @Test
  void anInstanceWithoutAnEndpointFails() {
    assertThat(probes.probe(request(null, 1_000)).outcome()).isEqualTo(ProbeOutcome.FAILED);
  }

  /** The tiny model in the engine, served by a runner: what the in-process runtime starts. */
  private record Tiny(LlamaEngine engine, EngineRunner runner) implements AutoCloseable {

    static Tiny start(int slots) {
      LlamaEngine engine =
          LlamaEngine.load(TestServices.tinyModel(), EngineOptions.of(512, 1, slots));
      return new Tiny(engine, EngineRunner.start("tiny", engine, 0));
    }

    String endpoint() {
      return runner.endpoint().toString();
    }

    /** Generates with a token callback that blocks until released, holding a slot meanwhile. */
    void generateSlowly(CountDownLatch holding, CountDownLatch release) {
      try {
        engine.chat(
            new LlamaEngine.ChatPrompt(
                null, List.of(new LlamaEngine.Message("user", "Hello")), 8, 0.0f, 1),
            token -> {
              holding.countDown();
              try {
                release.await(20, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void close() {
      runner.close();
    }
  }

  private static ProbeRequest request(String endpoint, long generationTimeoutMillis) {
    return new ProbeRequest(
        "i-1", "tiny", endpoint, Duration.ofSeconds(1), Duration.ofMillis(generationTimeoutMillis));
  }
}
