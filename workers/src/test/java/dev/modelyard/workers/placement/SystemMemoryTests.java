package dev.modelyard.workers.placement;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SystemMemoryTests {

  @Test
  void memAvailableIsReadInBytes() {
    List<String> meminfo =
        List.of(
            "MemTotal:       24557312 kB",
            "MemFree:        17000000 kB",
            "MemAvailable:   22806212 kB");

    assertThat(SystemMemory.parseMemAvailable(meminfo)).contains(22_806_212L * 1024);
  }

  @Test
  void withoutMemAvailableThereIsNoAnswer() {
    assertThat(SystemMemory.parseMemAvailable(List.of("MemTotal: 1 kB"))).isEmpty();
  }

  @Test
  void thisHostHasSomeRam() {
    SystemMemory ram = SystemMemory.read();

    assertThat(ram.availableBytes()).isPositive().isLessThanOrEqualTo(ram.totalBytes());
  }
}
