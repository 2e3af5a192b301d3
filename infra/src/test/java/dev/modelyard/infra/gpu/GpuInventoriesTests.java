package dev.modelyard.infra.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class GpuInventoriesTests {

  @Test
  void detectNeverThrowsAndAlwaysExplainsItself() {
    assertThatCode(
            () -> {
              try (GpuInventory inventory = GpuInventories.detect()) {
                assertThat(inventory.status()).isNotBlank();
                assertThat(inventory.devices()).isNotNull();
              }
            })
        .doesNotThrowAnyException();
  }

  @Test
  void logsTheStatusOnceAtInfoHoweverOftenItDetects() {
    RecordingLogger log = new RecordingLogger();
    AtomicBoolean logged = new AtomicBoolean();

    String status;
    try (GpuInventory first = GpuInventories.detect(log, logged);
        GpuInventory second = GpuInventories.detect(log, logged)) {
      status = first.status();
      assertThat(second.status()).isEqualTo(status);
    }

    assertThat(log.records).containsExactly(Level.INFO + " GPU inventory: " + status);
  }

  @Test
  void aHostWithoutTheDriverHasAnEmptyInventory() {
    NoGpuInventory inventory = new NoGpuInventory("no NVIDIA library: libnvidia-ml.so.1 not found");

    assertThat(inventory.devices()).isEmpty();
    assertThatCode(inventory::close).doesNotThrowAnyException();
  }

  /** A System.Logger that keeps what it is given; the JDK offers no capturing one. */
  private static final class RecordingLogger implements Logger {

    final List<String> records = new ArrayList<>();

    @Override
    public String getName() {
      return "recording";
    }

    @Override
    public boolean isLoggable(Level level) {
      return true;
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
      records.add(level + " " + message);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
      records.add(level + " " + format);
    }
  }
}
