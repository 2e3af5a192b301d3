package dev.modelyard.workers.placement;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * This host's RAM: total, and available for a new instance. On Linux "available" is the kernel's
 * MemAvailable (free memory plus caches it can drop); elsewhere the JVM's view of free memory.
 */
record SystemMemory(long totalBytes, long availableBytes) {

  private static final Path MEMINFO = Path.of("/proc/meminfo");

  static SystemMemory read() {
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long available = memAvailable(MEMINFO).orElse(os.getFreeMemorySize());
    return new SystemMemory(os.getTotalMemorySize(), available);
  }

  static Optional<Long> memAvailable(Path meminfo) {
    try {
      return parseMemAvailable(Files.readAllLines(meminfo));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** {@code MemAvailable: 22806212 kB} in bytes; kB there means KiB. */
  static Optional<Long> parseMemAvailable(List<String> lines) {
    return lines.stream()
        .filter(line -> line.startsWith("MemAvailable:"))
        .map(line -> line.replaceAll("[^0-9]", ""))
        .filter(digits -> !digits.isEmpty())
        .map(digits -> Long.parseLong(digits) * 1024)
        .findFirst();
  }
}
