package dev.modelyard.infra.temporal;

import dev.modelyard.infra.processes.PidFiles;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The temporal CLI's {@code server start-dev}, with its state in a SQLite file under the data dir
 * so that workflows survive a restart of Modelyard.
 */
public final class TemporalCliDevServer implements AutoCloseable {

  private static final Duration STARTUP = Duration.ofSeconds(60);

  private final Process process;
  private final String target;
  private final Path pidFile;
  private final FileLock folder;

  private TemporalCliDevServer(Process process, String target, Path pidFile, FileLock folder) {
    this.process = process;
    this.target = target;
    this.pidFile = pidFile;
    this.folder = folder;
  }

  /** The temporal binary on PATH, if any. */
  public static Optional<Path> findCli() {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    return List.of(path.split(File.pathSeparator)).stream()
        .map(dir -> Path.of(dir, "temporal"))
        .filter(Files::isExecutable)
        .findFirst();
  }

  /**
   * @param port its frontend's port, 0 for any free one; its Web UI listens 1000 above, or on any
   *     free port when that is past the last port
   */
  public static TemporalCliDevServer start(Path cli, Path dataDir, int requestedPort) {
    Path folder = dataDir.toAbsolutePath().normalize();
    FileLock lock = PidFiles.lockFolder(folder, "Temporal server");
    Path pidFile = folder.resolve("temporal.pid");
    try {
      // A server left by a launcher killed outright holds the port and the database file: a new
      // one would fail on them while the health check answered from the old one, left running.
      PidFiles.stopLeftover(pidFile, "temporal", folder, Duration.ofSeconds(10));
      // The CLI takes no port 0: any free port is chosen here (the Java server takes 0 itself).
      int port = requestedPort == 0 ? freePort() : requestedPort;
      // The UI where the README says (the port + 1000), unless that is taken: then the CLI exited
      // at once, and a start on a busy machine failed now and then.
      int uiPort = port + 1000 <= 65535 && isFree(port + 1000) ? port + 1000 : freePort();
      Files.createDirectories(dataDir);
      Path log = dataDir.resolve("temporal.log");
      Process process =
          new ProcessBuilder(
                  cli.toString(),
                  "server",
                  "start-dev",
                  "--ip",
                  "127.0.0.1",
                  "--port",
                  Integer.toString(port),
                  "--ui-port",
                  Integer.toString(uiPort),
                  "--db-filename",
                  folder.resolve("temporal.db").toString(),
                  "--log-level",
                  "warn")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      PidFiles.write(pidFile, process.pid());
      String target = "127.0.0.1:" + port;
      awaitHealthy(process, target, log);
      return new TemporalCliDevServer(process, target, pidFile, lock);
    } catch (IOException | RuntimeException e) {
      PidFiles.release(lock);
      if (e instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new UncheckedIOException("cannot start " + cli + " server start-dev", (IOException) e);
    }
  }

  public String target() {
    return target;
  }

  private static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on loopback", e);
    }
  }

  private static void awaitHealthy(Process process, String target, Path log) {
    Instant deadline = Instant.now().plus(STARTUP);
    RuntimeException last = null;
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "temporal server start-dev exited with " + process.exitValue() + "; see " + log);
      }
      try {
        WorkflowServiceStubs.newConnectedServiceStubs(
                WorkflowServiceStubsOptions.newBuilder().setTarget(target).build(),
                Duration.ofSeconds(2))
            .shutdownNow();
        return;
      } catch (RuntimeException e) {
        last = e;
        sleep();
      }
    }
    process.destroyForcibly();
    throw new IllegalStateException(
        "temporal server start-dev did not answer on " + target + " within " + STARTUP, last);
  }

  private static void sleep() {
    try {
      Thread.sleep(250);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Temporal", e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    try {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      Files.deleteIfExists(pidFile);
    } catch (IOException e) {
      // a stale pid file names no process of ours: the next start leaves it alone
    } finally {
      PidFiles.release(folder);
    }
  }
}
