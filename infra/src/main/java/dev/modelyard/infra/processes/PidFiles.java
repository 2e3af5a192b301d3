package dev.modelyard.infra.processes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processes an embedded service leaves behind when the JVM that started it is killed outright
 * (PostgreSQL's postmaster, Temporal's dev server): found by the pid file in their data folder and
 * stopped before a new one starts there, which would otherwise fail on their lock or their port, or
 * talk to them and leave them running for good.
 */
public final class PidFiles {

  private static final Logger log = LoggerFactory.getLogger(PidFiles.class);

  private PidFiles() {}

  /**
   * Stops the process {@code pidFile} names (its first line) if one runs whose command contains
   * {@code command}: asked to end, then ended after {@code grace}. Anything else (no file, no such
   * process, another program under a reused PID) is left alone.
   */
  public static void stopLeftover(Path pidFile, String command, Duration grace) {
    Optional<ProcessHandle> leftover = running(pidFile, command);
    if (leftover.isEmpty()) {
      return;
    }
    ProcessHandle process = leftover.get();
    log.warn(
        "Stopping {} (pid {}) left running by a Modelyard that did not stop cleanly",
        command,
        process.pid());
    process.destroy();
    try {
      process.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
      process.destroyForcibly();
      process.onExit().join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping a leftover " + command, e);
    }
  }

  /** Records {@code pid} in {@code pidFile}, replacing what it held. */
  public static void write(Path pidFile, long pid) {
    try {
      Files.writeString(pidFile, pid + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + pidFile, e);
    }
  }

  private static Optional<ProcessHandle> running(Path pidFile, String command) {
    if (!Files.isRegularFile(pidFile)) {
      return Optional.empty();
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(pidFile);
    } catch (IOException e) {
      return Optional.empty();
    }
    if (lines.isEmpty() || !lines.getFirst().strip().matches("\\d+")) {
      return Optional.empty();
    }
    long pid = Long.parseLong(lines.getFirst().strip());
    if (pid == ProcessHandle.current().pid()) {
      return Optional.empty();
    }
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().map(c -> c.contains(command)).orElse(false));
  }
}
