package dev.modelyard.infra.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelyard.infra.engine.LlamaEngine.Completion;
import dev.modelyard.infra.engine.LlamaEngine.TextPrompt;
import dev.modelyard.testing.TestServices;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The real tiny model in the real llama.cpp engine, stopped and abandoned mid-generation. */
class LlamaEngineTests {

  private static final TextPrompt LONG = new TextPrompt("Once upon a time", 8192, 0.8f, 7);
  private static final EngineOptions ONE_SLOT = EngineOptions.of(8704, 2, 1);

  @Test
  void closingWhileAGenerationRunsEndsItFirstThenFreesTheModel() throws Exception {
    LlamaEngine engine = LlamaEngine.load(TestServices.tinyModel(), ONE_SLOT);
    CountDownLatch generating = new CountDownLatch(1);
    AtomicInteger tokens = new AtomicInteger();
    CompletableFuture<Completion> running =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return engine.complete(
                    LONG,
                    piece -> {
                      tokens.incrementAndGet();
                      generating.countDown();
                      pause(); // a slow client: the generation is still under way at the stop
                    });
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    assertThat(generating.await(30, TimeUnit.SECONDS)).isTrue();

    // Before, this freed the native model under the generating thread (a crash of the JVM).
    engine.close();

    assertThatThrownBy(() -> running.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasRootCauseMessage("the engine is stopping");
    assertThat(tokens.get()).isLessThan(LONG.maxTokens());
    assertThatThrownBy(() -> engine.complete(new TextPrompt("Hi", 1, 0f, 1), piece -> {}))
        .hasMessage("the engine is stopping");
  }

  @Test
  void aGenerationItsCallerAbandonsFreesItsSlotForTheNextCaller() throws Exception {
    try (LlamaEngine engine = LlamaEngine.load(TestServices.tinyModel(), ONE_SLOT)) {
      assertThatThrownBy(
              () ->
                  engine.complete(
                      LONG,
                      piece -> {
                        throw new IllegalStateException("client gone");
                      }))
          .hasMessage("client gone");

      // One slot: the next generation runs only once the abandoned one has left it. Left to run,
      // the abandoned one's 8,192 tokens kept the next call waiting 20 s on this machine;
      // cancelled,
      // the next call takes a fraction of a second.
      long began = System.nanoTime();
      Completion next = engine.complete(new TextPrompt("Hello", 2, 0f, 1), piece -> {});

      assertThat(next.completionTokens()).isBetween(1, 2);
      assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(5));
    }
  }

  private static void pause() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
