package dev.modelyard.infra.gpu;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The {@code nvmlReturn_t} codes of NVIDIA's nvml.h. */
enum NvmlReturn {
  SUCCESS(0),
  ERROR_UNINITIALIZED(1),
  ERROR_INVALID_ARGUMENT(2),
  ERROR_NOT_SUPPORTED(3),
  ERROR_NO_PERMISSION(4),
  ERROR_ALREADY_INITIALIZED(5),
  ERROR_NOT_FOUND(6),
  ERROR_INSUFFICIENT_SIZE(7),
  ERROR_INSUFFICIENT_POWER(8),
  ERROR_DRIVER_NOT_LOADED(9),
  ERROR_TIMEOUT(10),
  ERROR_IRQ_ISSUE(11),
  ERROR_LIBRARY_NOT_FOUND(12),
  ERROR_FUNCTION_NOT_FOUND(13),
  ERROR_CORRUPTED_INFOROM(14),
  ERROR_GPU_IS_LOST(15),
  ERROR_RESET_REQUIRED(16),
  ERROR_OPERATING_SYSTEM(17),
  ERROR_LIB_RM_VERSION_MISMATCH(18),
  ERROR_IN_USE(19),
  ERROR_MEMORY(20),
  ERROR_NO_DATA(21),
  ERROR_VGPU_ECC_NOT_SUPPORTED(22),
  ERROR_INSUFFICIENT_RESOURCES(23),
  ERROR_FREQ_NOT_SUPPORTED(24),
  ERROR_ARGUMENT_VERSION_MISMATCH(25),
  ERROR_DEPRECATED(26),
  ERROR_NOT_READY(27),
  ERROR_GPU_NOT_FOUND(28),
  ERROR_INVALID_STATE(29),
  ERROR_RESET_TYPE_NOT_SUPPORTED(30),
  ERROR_UNKNOWN(999);

  private static final Map<Integer, NvmlReturn> BY_CODE =
      Arrays.stream(values()).collect(Collectors.toMap(r -> r.code, Function.identity()));

  private final int code;

  NvmlReturn(int code) {
    this.code = code;
  }

  int code() {
    return code;
  }

  /** The name nvml.h gives the code, e.g. {@code NVML_ERROR_NOT_SUPPORTED}. */
  String symbol() {
    return "NVML_" + name();
  }

  /**
   * The constant for a code; a code newer than this list is {@link #ERROR_UNKNOWN}, which is also
   * what NVML itself calls an error it cannot classify.
   */
  static NvmlReturn of(int code) {
    return BY_CODE.getOrDefault(code, ERROR_UNKNOWN);
  }

  /**
   * Whether the device or driver simply lacks this call: the metric is then reported as -1 rather
   * than failing the whole inventory.
   */
  boolean meansUnsupported() {
    return this == ERROR_NOT_SUPPORTED || this == ERROR_FUNCTION_NOT_FOUND;
  }
}
