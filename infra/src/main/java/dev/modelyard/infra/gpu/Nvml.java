package dev.modelyard.infra.gpu;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;

/**
 * The NVML functions we call, bound with the FFM API. Each method checks the return code and turns
 * an error into an {@link NvmlException} naming the function; none interprets the values.
 */
final class Nvml implements AutoCloseable {

  static final String LIBRARY =
      System.getProperty("os.name", "").startsWith("Windows") ? "nvml.dll" : "libnvidia-ml.so.1";

  private static final Linker LINKER = Linker.nativeLinker();
  private static final FunctionDescriptor NO_ARGS = FunctionDescriptor.of(JAVA_INT);
  private static final FunctionDescriptor ONE_POINTER = FunctionDescriptor.of(JAVA_INT, ADDRESS);
  private static final FunctionDescriptor TWO_POINTERS =
      FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);
  private static final FunctionDescriptor BUFFER =
      FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT);
  private static final FunctionDescriptor DEVICE_BUFFER =
      FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT);

  // Closing the arena unloads the library, so it lives exactly as long as this binding.
  private final Arena library;
  private final SymbolLookup symbols;
  private final MethodHandle errorString;
  private final MethodHandle init;
  private final MethodHandle shutdown;
  private final MethodHandle systemGetDriverVersion;
  private final MethodHandle systemGetNvmlVersion;
  private final MethodHandle deviceGetCount;
  private final MethodHandle deviceGetHandleByIndex;
  private final MethodHandle deviceGetName;
  private final MethodHandle deviceGetUuid;
  private final MethodHandle deviceGetMemoryInfo;
  private final MethodHandle deviceGetUtilizationRates;
  private final MethodHandle deviceGetTemperature;
  private final MethodHandle deviceGetPowerUsage;
  private final MethodHandle deviceGetComputeRunningProcesses;

  private Nvml(Arena library, SymbolLookup symbols) {
    this.library = library;
    this.symbols = symbols;
    this.errorString = required("nvmlErrorString", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    this.init = required("nvmlInit_v2", NO_ARGS);
    this.shutdown = required("nvmlShutdown", NO_ARGS);
    this.systemGetDriverVersion = bind("nvmlSystemGetDriverVersion", BUFFER);
    this.systemGetNvmlVersion = bind("nvmlSystemGetNVMLVersion", BUFFER);
    this.deviceGetCount = required("nvmlDeviceGetCount_v2", ONE_POINTER);
    this.deviceGetHandleByIndex =
        required(
            "nvmlDeviceGetHandleByIndex_v2", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    this.deviceGetName = bind("nvmlDeviceGetName", DEVICE_BUFFER);
    this.deviceGetUuid = bind("nvmlDeviceGetUUID", DEVICE_BUFFER);
    this.deviceGetMemoryInfo = bind("nvmlDeviceGetMemoryInfo_v2", TWO_POINTERS);
    this.deviceGetUtilizationRates = bind("nvmlDeviceGetUtilizationRates", TWO_POINTERS);
    this.deviceGetTemperature =
        bind(
            "nvmlDeviceGetTemperature",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
    this.deviceGetPowerUsage = bind("nvmlDeviceGetPowerUsage", TWO_POINTERS);
    this.deviceGetComputeRunningProcesses =
        bind(
            "nvmlDeviceGetComputeRunningProcesses_v3",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
  }

  /**
   * Opens the driver library; calls nothing in it yet.
   *
   * @throws NvmlException with {@link NvmlReturn#ERROR_LIBRARY_NOT_FOUND} when it is not installed,
   *     or {@link NvmlReturn#ERROR_FUNCTION_NOT_FOUND} when it lacks a function we cannot do
   *     without
   */
  static Nvml load() {
    Arena arena = Arena.ofShared();
    SymbolLookup symbols;
    try {
      symbols = SymbolLookup.libraryLookup(LIBRARY, arena);
    } catch (IllegalArgumentException notFound) {
      arena.close();
      throw NvmlException.libraryNotFound(LIBRARY, notFound);
    }
    try {
      return new Nvml(arena, symbols);
    } catch (NvmlException tooOld) {
      arena.close();
      throw tooOld;
    }
  }

  void init() {
    check("nvmlInit_v2", invoke(init));
  }

  /** Shuts NVML down after a successful {@link #init()}, then unloads the library. */
  @Override
  public void close() {
    try {
      check("nvmlShutdown", invoke(shutdown));
    } finally {
      unload();
    }
  }

  /** Unloads the library without shutting NVML down: for when {@link #init()} failed. */
  void unload() {
    library.close();
  }

  String driverVersion(Arena arena) {
    MemorySegment buffer = arena.allocate(NvmlLayouts.VERSION_BUFFER_SIZE);
    check(
        "nvmlSystemGetDriverVersion",
        invoke(systemGetDriverVersion, buffer, NvmlLayouts.VERSION_BUFFER_SIZE));
    return buffer.getString(0);
  }

  String nvmlVersion(Arena arena) {
    MemorySegment buffer = arena.allocate(NvmlLayouts.VERSION_BUFFER_SIZE);
    check(
        "nvmlSystemGetNVMLVersion",
        invoke(systemGetNvmlVersion, buffer, NvmlLayouts.VERSION_BUFFER_SIZE));
    return buffer.getString(0);
  }

  int deviceCount(Arena arena) {
    MemorySegment count = arena.allocate(JAVA_INT);
    check("nvmlDeviceGetCount_v2", invoke(deviceGetCount, count));
    return count.get(JAVA_INT, 0);
  }

  /** The opaque {@code nvmlDevice_t}, valid until {@link #close()}. */
  MemorySegment deviceHandle(Arena arena, int index) {
    MemorySegment device = arena.allocate(ADDRESS);
    check("nvmlDeviceGetHandleByIndex_v2", invoke(deviceGetHandleByIndex, index, device));
    return device.get(ADDRESS, 0);
  }

  String name(Arena arena, MemorySegment device) {
    MemorySegment buffer = arena.allocate(NvmlLayouts.DEVICE_NAME_BUFFER_SIZE);
    check(
        "nvmlDeviceGetName",
        invoke(deviceGetName, device, buffer, NvmlLayouts.DEVICE_NAME_BUFFER_SIZE));
    return buffer.getString(0);
  }

  String uuid(Arena arena, MemorySegment device) {
    MemorySegment buffer = arena.allocate(NvmlLayouts.DEVICE_UUID_BUFFER_SIZE);
    check(
        "nvmlDeviceGetUUID",
        invoke(deviceGetUuid, device, buffer, NvmlLayouts.DEVICE_UUID_BUFFER_SIZE));
    return buffer.getString(0);
  }

  /** Fills an {@link NvmlLayouts#MEMORY_V2} struct, version already set. */
  MemorySegment memoryInfo(Arena arena, MemorySegment device) {
    MemorySegment memory = arena.allocate(NvmlLayouts.MEMORY_V2);
    NvmlLayouts.MEMORY_VERSION.set(memory, 0L, NvmlLayouts.MEMORY_V2_VERSION);
    check("nvmlDeviceGetMemoryInfo_v2", invoke(deviceGetMemoryInfo, device, memory));
    return memory;
  }

  MemorySegment utilizationRates(Arena arena, MemorySegment device) {
    MemorySegment rates = arena.allocate(NvmlLayouts.UTILIZATION);
    check("nvmlDeviceGetUtilizationRates", invoke(deviceGetUtilizationRates, device, rates));
    return rates;
  }

  int temperature(Arena arena, MemorySegment device, int sensor) {
    MemorySegment celsius = arena.allocate(JAVA_INT);
    check("nvmlDeviceGetTemperature", invoke(deviceGetTemperature, device, sensor, celsius));
    return celsius.get(JAVA_INT, 0);
  }

  /** Milliwatts, unsigned. */
  long powerUsage(Arena arena, MemorySegment device) {
    MemorySegment milliwatts = arena.allocate(JAVA_INT);
    check("nvmlDeviceGetPowerUsage", invoke(deviceGetPowerUsage, device, milliwatts));
    return Integer.toUnsignedLong(milliwatts.get(JAVA_INT, 0));
  }

  /**
   * Calls {@code nvmlDeviceGetComputeRunningProcesses_v3} with room for {@code capacity} entries.
   *
   * @param count in: nothing; out: how many entries there are (also on INSUFFICIENT_SIZE)
   * @return the raw return code, for the caller to retry on INSUFFICIENT_SIZE
   */
  int computeRunningProcesses(MemorySegment device, MemorySegment count, MemorySegment infos) {
    return invoke(deviceGetComputeRunningProcesses, device, count, infos);
  }

  /** Throws unless {@code code} is SUCCESS, with NVML's own words for the error. */
  void check(String function, int code) {
    if (code != NvmlReturn.SUCCESS.code()) {
      throw new NvmlException(function, code, describe(code));
    }
  }

  private String describe(int code) {
    MemorySegment text = (MemorySegment) call(errorString, code);
    // A C string of unknown length, owned by the library: read up to its terminator only.
    return text.equals(MemorySegment.NULL)
        ? "no description"
        : text.reinterpret(Long.MAX_VALUE).getString(0);
  }

  private MethodHandle required(String name, FunctionDescriptor descriptor) {
    MemorySegment address =
        symbols
            .find(name)
            .orElseThrow(
                () ->
                    new NvmlException(
                        name,
                        NvmlReturn.ERROR_FUNCTION_NOT_FOUND.code(),
                        "not in " + LIBRARY + "; the NVIDIA driver is too old"));
    return LINKER.downcallHandle(address, descriptor);
  }

  /**
   * A downcall handle, or one that always answers FUNCTION_NOT_FOUND when this driver predates the
   * function: callers then treat that metric as unsupported instead of failing to load at all.
   */
  private MethodHandle bind(String name, FunctionDescriptor descriptor) {
    return symbols
        .find(name)
        .map(address -> LINKER.downcallHandle(address, descriptor))
        .orElseGet(() -> missing(descriptor));
  }

  /** Only for functions returning an {@code nvmlReturn_t}. */
  private static MethodHandle missing(FunctionDescriptor descriptor) {
    MethodHandle notFound =
        MethodHandles.constant(int.class, NvmlReturn.ERROR_FUNCTION_NOT_FOUND.code());
    return MethodHandles.dropArguments(notFound, 0, descriptor.toMethodType().parameterList());
  }

  private static int invoke(MethodHandle function, Object... arguments) {
    return (int) call(function, arguments);
  }

  private static Object call(MethodHandle function, Object... arguments) {
    try {
      return function.invokeWithArguments(arguments);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable impossible) {
      // Downcalls declare no checked exceptions; this only satisfies the compiler.
      throw new IllegalStateException(impossible);
    }
  }
}
