package dev.modelyard.infra.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemoryLayout.PathElement;
import org.junit.jupiter.api.Test;

/** The layouts match nvml.h as a C compiler lays it out on 64-bit Linux. */
class NvmlLayoutsTests {

  @Test
  void memoryV2IsFortyBytesWithTheCountersAfterPaddedVersion() {
    assertThat(NvmlLayouts.MEMORY_V2.byteSize()).isEqualTo(40);
    assertThat(NvmlLayouts.MEMORY_V2.byteAlignment()).isEqualTo(8);
    assertThat(offset(NvmlLayouts.MEMORY_V2, "version")).isZero();
    assertThat(offset(NvmlLayouts.MEMORY_V2, "total")).isEqualTo(8);
    assertThat(offset(NvmlLayouts.MEMORY_V2, "reserved")).isEqualTo(16);
    assertThat(offset(NvmlLayouts.MEMORY_V2, "free")).isEqualTo(24);
    assertThat(offset(NvmlLayouts.MEMORY_V2, "used")).isEqualTo(32);
  }

  @Test
  void memoryV2VersionIsTheSizeWithTwoInTheTopByte() {
    // NVML_STRUCT_VERSION(Memory, 2) = sizeof(nvmlMemory_v2_t) | 2 << 24
    assertThat(NvmlLayouts.MEMORY_V2_VERSION).isEqualTo(40 | 2 << 24).isEqualTo(0x0200_0028);
  }

  @Test
  void processInfoIsTwentyFourBytes() {
    assertThat(NvmlLayouts.PROCESS_INFO.byteSize()).isEqualTo(24);
    assertThat(offset(NvmlLayouts.PROCESS_INFO, "pid")).isZero();
    assertThat(offset(NvmlLayouts.PROCESS_INFO, "usedGpuMemory")).isEqualTo(8);
    assertThat(offset(NvmlLayouts.PROCESS_INFO, "gpuInstanceId")).isEqualTo(16);
    assertThat(offset(NvmlLayouts.PROCESS_INFO, "computeInstanceId")).isEqualTo(20);
  }

  @Test
  void utilizationIsTwoUnsignedInts() {
    assertThat(NvmlLayouts.UTILIZATION.byteSize()).isEqualTo(8);
    assertThat(offset(NvmlLayouts.UTILIZATION, "memory")).isEqualTo(4);
  }

  private static long offset(java.lang.foreign.StructLayout layout, String field) {
    return layout.byteOffset(PathElement.groupElement(field));
  }
}
