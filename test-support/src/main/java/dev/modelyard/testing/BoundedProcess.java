package dev.modelyard.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A process a test waits for within a bound, its output (stdout and stderr together) kept in a
 * file: reading its pipe to the end first, as the tests did, waited for as long as the process ran,
 * so a stalled one (a push, a lock) held the build for good and the bound after it never applied.
 */
public final class BoundedProcess {

  /** What the process printed and how it ended. */
  public record Result(int exitCode, String output) {}

  private BoundedProcess() {}

  /**
   * Starts {@code process} and waits up to {@code within} for it to end.
   *
   * @throws IllegalStateException it ran longer (it is killed), naming the command and its output
   */
  public static Result run(ProcessBuilder process, Duration within)
      throws IOException, InterruptedException {
    File output = Files.createTempFile("modelyard-process-", ".log").toFile();
    try {
      Process started = process.redirectErrorStream(true).redirectOutput(output).start();
      if (!started.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
        started.descendants().forEach(ProcessHandle::destroyForcibly);
        started.destroyForcibly();
        throw new IllegalStateException(
            String.join(" ", process.command())
                + " did not end within "
                + within
                + "; its output:\n"
                + read(output));
      }
      return new Result(started.exitValue(), read(output));
    } finally {
      Files.deleteIfExists(output.toPath());
    }
  }

  private static String read(File output) {
    try {
      return Files.readString(output.toPath(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
