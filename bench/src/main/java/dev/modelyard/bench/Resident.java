package dev.modelyard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A process's resident size, alone or with its children (a proxy's worker processes). */
final class Resident {

  private Resident() {}

  static long megabytes(Process process, boolean withChildren) throws IOException {
    long kilobytes = kilobytes(process.pid());
    if (withChildren) {
      for (ProcessHandle child : process.descendants().toList()) {
        kilobytes += kilobytes(child.pid());
      }
    }
    return kilobytes / 1024;
  }

  private static long kilobytes(long pid) throws IOException {
    Path status = Path.of("/proc/" + pid + "/status");
    if (!Files.exists(status)) {
      return 0;
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    return 0;
  }
}
