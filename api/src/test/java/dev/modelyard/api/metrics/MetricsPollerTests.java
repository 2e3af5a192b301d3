package dev.modelyard.api.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MetricsPollerTests {

  @Test
  void aSourceWhoseNativeLibraryWillNotLoadStopsNeitherTheOthersNorLaterPolls() throws Exception {
    AtomicInteger failingPolls = new AtomicInteger();
    AtomicInteger registryPolls = new AtomicInteger();
    MetricsPoller poller =
        new MetricsPoller(
            List.of(
                source("nvml", failingPolls, new UnsatisfiedLinkError("libnvidia-ml.so.1")),
                source("registry", registryPolls, null)),
            Duration.ofMillis(20));

    poller.start();
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (registryPolls.get() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
    } finally {
      poller.stop();
    }

    assertThat(registryPolls.get()).as("polls after the first failure").isGreaterThanOrEqualTo(3);
    assertThat(failingPolls.get()).isGreaterThanOrEqualTo(3);
  }

  private static PolledMetrics source(String name, AtomicInteger polls, Error failure) {
    return new PolledMetrics() {
      @Override
      public String source() {
        return name;
      }

      @Override
      public void poll() {
        polls.incrementAndGet();
        if (failure != null) {
          throw failure;
        }
      }
    };
  }
}
