package dev.modelyard.workers.models;

import dev.modelyard.workers.WorkersApplication;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The worker application in a JVM of its own, started from this test's class path, so that a test
 * can kill it the way a crash or an OOM killer would: no shutdown hook, no graceful stop.
 */
public final class WorkerProcess implements AutoCloseable {

  private final Process process;
  private final Path log;

  private WorkerProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /**
   * Starts a worker with {@code properties} as command-line arguments, which win over the
   * environment variables it inherits; its output goes to {@code log}.
   */
  public static WorkerProcess start(Map<String, String> properties, Path log) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-Xmx512m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(WorkersApplication.class.getName());
    command.add("--spring.main.web-application-type=none");
    properties.forEach((key, value) -> command.add("--" + key + "=" + value));
    Files.createDirectories(log.getParent());
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    return new WorkerProcess(process, log);
  }

  /** SIGKILL: the worker gets no chance to report, finish or clean up anything. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("worker " + process.pid() + " survived SIGKILL");
    }
  }

  public Path log() {
    return log;
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
