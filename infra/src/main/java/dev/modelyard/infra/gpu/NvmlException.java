package dev.modelyard.infra.gpu;

/** An NVML call that returned an error, named with the function that returned it. */
public final class NvmlException extends RuntimeException {

  private final String function;
  private final int code;

  NvmlException(String function, int code, String description) {
    super(
        "%s failed: %s (%s, %d)"
            .formatted(function, description, NvmlReturn.of(code).symbol(), code));
    this.function = function;
    this.code = code;
  }

  private NvmlException(String function, int code, String message, Throwable cause) {
    super(message, cause);
    this.function = function;
    this.code = code;
  }

  /** The driver library itself could not be opened, so there is no NVML to ask for a message. */
  static NvmlException libraryNotFound(String library, Throwable cause) {
    return new NvmlException(
        "dlopen",
        NvmlReturn.ERROR_LIBRARY_NOT_FOUND.code(),
        "no NVIDIA library: " + library + " not found",
        cause);
  }

  /** The NVML function that failed, e.g. {@code nvmlDeviceGetMemoryInfo_v2}. */
  public String function() {
    return function;
  }

  /** The raw {@code nvmlReturn_t} value, kept even when it is newer than {@link NvmlReturn}. */
  public int code() {
    return code;
  }

  NvmlReturn reason() {
    return NvmlReturn.of(code);
  }
}
