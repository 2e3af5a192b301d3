package dev.modelyard.infra.gpu;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/**
 * The C structs of nvml.h that we read, laid out as x86-64 and aarch64 Linux compilers lay them
 * out: an {@code unsigned long long} is 8-aligned, so a leading {@code unsigned int} is followed by
 * 4 bytes of padding.
 */
final class NvmlLayouts {

  /** {@code NVML_DEVICE_NAME_V2_BUFFER_SIZE}. */
  static final int DEVICE_NAME_BUFFER_SIZE = 96;

  /** {@code NVML_DEVICE_UUID_V2_BUFFER_SIZE}. */
  static final int DEVICE_UUID_BUFFER_SIZE = 96;

  /** {@code NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE}, also {@code ..._NVML_VERSION_...}. */
  static final int VERSION_BUFFER_SIZE = 80;

  /** {@code NVML_TEMPERATURE_GPU}, the sensor on the die. */
  static final int TEMPERATURE_GPU = 0;

  /** {@code nvmlMemory_v2_t}: used includes reserved on some drivers, so keep both. */
  static final StructLayout MEMORY_V2 =
      MemoryLayout.structLayout(
          JAVA_INT.withName("version"),
          MemoryLayout.paddingLayout(4),
          JAVA_LONG.withName("total"),
          JAVA_LONG.withName("reserved"),
          JAVA_LONG.withName("free"),
          JAVA_LONG.withName("used"));

  /**
   * {@code nvmlMemory_v2}: {@code NVML_STRUCT_VERSION(Memory, 2)}, the struct's size with the
   * version in the top byte. The driver rejects the call with ARGUMENT_VERSION_MISMATCH otherwise.
   */
  static final int MEMORY_V2_VERSION = structVersion(MEMORY_V2, 2);

  /** {@code nvmlUtilization_t}. */
  static final StructLayout UTILIZATION =
      MemoryLayout.structLayout(JAVA_INT.withName("gpu"), JAVA_INT.withName("memory"));

  /**
   * {@code nvmlProcessInfo_t} (identical to {@code nvmlProcessInfo_v2_t}), the element type of
   * {@code nvmlDeviceGetComputeRunningProcesses_v3}.
   */
  static final StructLayout PROCESS_INFO =
      MemoryLayout.structLayout(
          JAVA_INT.withName("pid"),
          MemoryLayout.paddingLayout(4),
          JAVA_LONG.withName("usedGpuMemory"),
          JAVA_INT.withName("gpuInstanceId"),
          JAVA_INT.withName("computeInstanceId"));

  static final VarHandle MEMORY_VERSION = field(MEMORY_V2, "version");
  static final VarHandle MEMORY_TOTAL = field(MEMORY_V2, "total");
  static final VarHandle MEMORY_RESERVED = field(MEMORY_V2, "reserved");
  static final VarHandle MEMORY_FREE = field(MEMORY_V2, "free");
  static final VarHandle MEMORY_USED = field(MEMORY_V2, "used");
  static final VarHandle UTILIZATION_GPU = field(UTILIZATION, "gpu");
  static final VarHandle UTILIZATION_MEMORY = field(UTILIZATION, "memory");
  static final VarHandle PROCESS_PID = element(PROCESS_INFO, "pid");
  static final VarHandle PROCESS_USED_MEMORY = element(PROCESS_INFO, "usedGpuMemory");

  private NvmlLayouts() {}

  static int structVersion(StructLayout layout, int version) {
    return (int) (layout.byteSize() | ((long) version << 24));
  }

  /** A handle taking (segment, base offset), for one struct. */
  private static VarHandle field(StructLayout layout, String name) {
    return layout.varHandle(PathElement.groupElement(name));
  }

  /** A handle taking (segment, base offset, index), for an array of structs. */
  private static VarHandle element(StructLayout layout, String name) {
    return layout.arrayElementVarHandle(PathElement.groupElement(name));
  }
}
