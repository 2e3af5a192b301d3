package dev.modelyard.infra.processes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processes an embedded service leaves behind when the JVM that started it is killed outright
 * (PostgreSQL's postmaster, Temporal's dev server): found by the pid file in their data folder and
 * stopped before a new one starts there, which would otherwise fail on their lock or their port, or
 * talk to them and leave them running for good.
 *
 * <p>Only once {@link #lockFolder} holds the folder's lock: a launcher that still runs holds it for
 * as long as it does, so what the pid file names is then an orphan, never a live launcher's server.
 * And only a process whose arguments name the folder: a PID reused by another program, or another
 * server of the same kind elsewhere, is left alone.
 */
public final class PidFiles {

  private static final Logger log = LoggerFactory.getLogger(PidFiles.class);

  private PidFiles() {}

  /**
   * The lock of {@code folder} (a file beside it: PostgreSQL's initdb wants its folder empty), held
   * until the returned lock is released: a launcher holds it for as long as it runs its service
   * there.
   *
   * @throws IllegalStateException when another process holds it (another Modelyard uses the folder)
   */
  public static FileLock lockFolder(Path folder, String service) {
    try {
      Path lockFile = folder.resolveSibling(folder.getFileName() + ".lock");
      Files.createDirectories(lockFile.getParent());
      FileChannel channel =
          FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException heldHere) {
        lock = null;
      }
      if (lock == null) {
        channel.close();
        throw new IllegalStateException(
            "another Modelyard runs its "
                + service
                + " in "
                + folder
                + "; stop it, or give this one another MODELYARD_DATA_DIR");
      }
      return lock;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock " + folder, e);
    }
  }

  /** Releases a folder's lock ({@link #lockFolder}). */
  public static void release(FileLock lock) {
    try {
      lock.channel().close();
    } catch (IOException e) {
      // the lock goes with the process anyway
    }
  }

  /**
   * Stops the process {@code pidFile} names (its first line) if it runs {@code command} with
   * arguments naming {@code folder}: asked to end, then ended after {@code grace}. Call it holding
   * the folder's lock ({@link #lockFolder}).
   */
  public static void stopLeftover(Path pidFile, String command, Path folder, Duration grace) {
    Optional<ProcessHandle> leftover = running(pidFile, command, folder);
    if (leftover.isEmpty()) {
      return;
    }
    ProcessHandle process = leftover.get();
    log.warn(
        "Stopping {} (pid {}) in {}, left running by a Modelyard that did not stop cleanly",
        command,
        process.pid(),
        folder);
    process.destroy();
    try {
      process.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      process.destroyForcibly();
      try {
        process.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException | ExecutionException stillThere) {
        throw new IllegalStateException(
            command + " (pid " + process.pid() + ") in " + folder + " does not stop");
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while stopping a leftover " + command);
      }
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

  private static Optional<ProcessHandle> running(Path pidFile, String command, Path folder) {
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
    String where = folder.toAbsolutePath().normalize().toString();
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        // Its binary may have been replaced or removed since (an upgrade): Linux then says so.
        .filter(
            p ->
                p.info()
                    .command()
                    .map(c -> c.endsWith("/" + command) || c.endsWith("/" + command + " (deleted)"))
                    .orElse(false))
        .filter(
            p ->
                p.info()
                    .arguments()
                    .map(
                        args ->
                            Arrays.stream(args)
                                .anyMatch(arg -> arg.equals(where) || arg.startsWith(where + "/")))
                    .orElse(false));
  }
}
