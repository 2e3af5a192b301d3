package dev.modelyard.api.autoscaling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.infra.autoscaling.LoadSamples;
import dev.modelyard.testing.FreshSchema;
import dev.modelyard.workflows.autoscaling.LoadSummary;
import dev.modelyard.workflows.models.ModelRef;
import dev.modelyard.workflows.models.Provider;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the gateway meters reaches PostgreSQL as the autoscaler reads it. */
class LoadPublisherTests {

  private static FreshSchema schema;

  @BeforeAll
  static void migrate() {
    schema = new FreshSchema();
  }

  @AfterAll
  static void drop() {
    schema.close();
  }

  @Test
  void twoApiReplicasPublishAndTheAutoscalerReadsTheirSum() {
    AtomicLong now = new AtomicLong();
    LoadSamples samples = new LoadSamples(schema.dataSource);
    AutoscalingSettings settings =
        new AutoscalingSettings(
            Duration.ofSeconds(5),
            Duration.ofHours(2),
            Duration.ofMinutes(2),
            Duration.ofMillis(250));
    ModelLoadMeter a = new ModelLoadMeter(now::get);
    ModelLoadMeter b = new ModelLoadMeter(now::get);
    LoadPublisher publisherA = new LoadPublisher(a, samples, settings);
    LoadPublisher publisherB = new LoadPublisher(b, samples, settings);

    // Replica a: three calls of 2 s one after another; replica b: one of 12 s. 18 busy seconds.
    for (int i = 0; i < 3; i++) {
      LoadMeter.Call call = a.started("local_gguf", "tiny");
      now.addAndGet(Duration.ofSeconds(2).toNanos());
      call.finished();
    }
    LoadMeter.Call longCall = b.started("local_gguf", "tiny");
    now.addAndGet(Duration.ofSeconds(12).toNanos());
    longCall.finished();
    publisherA.publish();
    publisherB.publish();

    LoadSummary load =
        samples.summarize(new ModelRef(Provider.LOCAL_GGUF, "tiny"), Duration.ofMinutes(1));
    assertThat(load.requests()).isEqualTo(4);
    assertThat(load.averageInFlight()).isEqualTo(18.0 / 60);
    assertThat(load.p95Latency()).isEqualTo(Duration.ofSeconds(15));
  }
}
