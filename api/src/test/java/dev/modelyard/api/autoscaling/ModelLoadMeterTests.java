package dev.modelyard.api.autoscaling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.infra.autoscaling.LoadSample;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ModelLoadMeterTests {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final ModelLoadMeter meter = new ModelLoadMeter(now::get);

  @Test
  void inFlightTimeIsIntegratedOverTheWindowSoALongStreamCountsWhileItRuns() {
    meter.drain(); // the window starts here
    LoadMeter.Call stream = meter.started("local_gguf", "tiny");
    advance(Duration.ofSeconds(2));
    LoadMeter.Call shortCall = meter.started("local_gguf", "tiny");
    advance(Duration.ofMillis(300));
    shortCall.finished();
    advance(Duration.ofMillis(2_700));

    LoadSample first = meter.drain().getFirst();
    assertThat(first.window()).isEqualTo(Duration.ofSeconds(5));
    assertThat(first.busy()).isEqualTo(Duration.ofMillis(5_300));
    assertThat(first.requests()).isEqualTo(2);
    assertThat(first.latencies().total()).isEqualTo(1);
    assertThat(first.latencies().percentile(0.95)).isEqualTo(Duration.ofMillis(500));

    advance(Duration.ofSeconds(5));
    LoadSample second = meter.drain().getFirst();
    assertThat(second.busy()).as("the stream, still running").isEqualTo(Duration.ofSeconds(5));
    assertThat(second.requests()).isZero();

    stream.finished();
    stream.finished();
    assertThat(meter.drain().getFirst().latencies().percentile(0.5))
        .isEqualTo(Duration.ofSeconds(10));
    advance(Duration.ofSeconds(5));
    assertThat(meter.drain()).as("nothing in flight, nothing new").isEmpty();
  }

  @Test
  void eachModelHasItsOwnSample() {
    meter.started("local_gguf", "tiny").finished();
    meter.started("local_ollama", "tiny");

    assertThat(meter.drain())
        .extracting(LoadSample::provider, LoadSample::modelName, LoadSample::requests)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("local_gguf", "tiny", 1L),
            org.assertj.core.groups.Tuple.tuple("local_ollama", "tiny", 1L));
  }

  private void advance(Duration duration) {
    now.addAndGet(duration.toNanos());
  }
}
