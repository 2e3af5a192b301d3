package dev.modelyard.api.metrics;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/** This host's CPU, memory and the data directory's disk, read now. */
final class HostResources {

  private final OperatingSystemMXBean os =
      ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class);
  private final Path dataDir;

  HostResources(Path dataDir) {
    this.dataDir = dataDir;
  }

  Cpu cpu() {
    return new Cpu(
        os.getAvailableProcessors(),
        os.getSystemLoadAverage(),
        os.getCpuLoad(),
        os.getProcessCpuLoad());
  }

  Memory memory() {
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    return new Memory(
        os.getTotalMemorySize(), os.getFreeMemorySize(), heap.getUsed(), heap.getMax());
  }

  Disk disk() {
    Path path = nearestExisting(dataDir);
    try {
      FileStore store = Files.getFileStore(path);
      return new Disk(path.toString(), store.getTotalSpace(), store.getUsableSpace());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the file system of " + path, e);
    }
  }

  /** The data directory, or its nearest existing parent before anything has been written there. */
  static Path nearestExisting(Path path) {
    Path existing = path.toAbsolutePath();
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    return existing == null ? Path.of("/") : existing;
  }

  /**
   * @param systemLoadAverage the one-minute load average; -1 where the platform has none
   * @param systemCpuLoad the whole machine's recent CPU use, 0 to 1; -1 before it is known
   * @param processCpuLoad this JVM's, likewise
   */
  record Cpu(
      int availableProcessors,
      double systemLoadAverage,
      double systemCpuLoad,
      double processCpuLoad) {}

  record Memory(long totalBytes, long freeBytes, long jvmHeapUsedBytes, long jvmHeapMaxBytes) {}

  record Disk(String path, long totalBytes, long usableBytes) {}
}
