package dev.modelyard.infra.gpu;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Prints the GPU inventory, for checking the binding on a real GPU against nvidia-smi. It needs
 * only java.base, so it runs on a jlink'ed runtime: see {@code scripts/gpu-check.sh}.
 */
public final class GpuInventoryReport {

  private static final long MIB = 1024 * 1024;

  private GpuInventoryReport() {}

  public static void main(String[] args) {
    PrintStream out = System.out;
    long start = System.nanoTime();
    try (GpuInventory inventory = GpuInventories.detect()) {
      long detected = System.nanoTime();
      List<GpuDevice> devices = inventory.devices();
      long read = System.nanoTime();
      // A second read shows the steady cost of polling, once the downcalls are linked.
      inventory.devices();
      long readAgain = System.nanoTime();

      out.println("status: " + inventory.status());
      out.printf(
          Locale.ROOT,
          "timing: detect %.1f ms, read %.1f ms, second read %.1f ms%n",
          millis(start, detected),
          millis(detected, read),
          millis(read, readAgain));
      for (GpuDevice device : devices) {
        out.print(block(device, millis(detected, read)));
      }
    }
  }

  static String block(GpuDevice d, double readMillis) {
    return String.join(
        System.lineSeparator(),
        "device " + d.index(),
        row("uuid", d.uuid()),
        row("name", d.name()),
        row("memory.total", bytes(d.memoryTotalBytes())),
        row("memory.used", bytes(d.memoryUsedBytes())),
        row("memory.free", bytes(d.memoryFreeBytes())),
        row("memory.reserved", bytes(d.memoryReservedBytes())),
        row("utilization.gpu", unit(d.utilizationGpuPercent(), "%")),
        row("utilization.memory", unit(d.utilizationMemoryPercent(), "%")),
        row("temperature.gpu", unit(d.temperatureCelsius(), "C")),
        row(
            "power.draw",
            d.powerWatts() < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f W", d.powerWatts())),
        row("processes", processes(d.processes())),
        row("read", String.format(Locale.ROOT, "%.1f ms (all devices)", readMillis)),
        "");
  }

  private static String row(String field, String value) {
    return String.format(Locale.ROOT, "  %-20s %s", field, value);
  }

  private static String bytes(long bytes) {
    return bytes < 0 ? "n/a" : "%d B (%d MiB)".formatted(bytes, bytes / MIB);
  }

  private static String unit(int value, String unit) {
    return value < 0 ? "n/a" : value + " " + unit;
  }

  private static String processes(List<GpuProcess> processes) {
    if (processes.isEmpty()) {
      return "none";
    }
    return processes.stream()
        .map(p -> "pid " + p.pid() + " " + bytes(p.usedMemoryBytes()))
        .collect(Collectors.joining(", "));
  }

  private static double millis(long fromNanos, long toNanos) {
    return (toNanos - fromNanos) / 1e6;
  }
}
