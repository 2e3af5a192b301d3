package dev.modelyard.infra.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Zonky's real embedded PostgreSQL in a folder of the test's. */
class EmbeddedPostgresServerTests {

  @TempDir Path dir;

  @Test
  void aPostmasterLeftRunningByALauncherKilledOutrightIsStoppedAndAnotherStarts() throws Exception {
    Path data = dir.resolve("postgres");
    // A launcher in a JVM of its own, killed as the OOM killer does once its PostgreSQL runs.
    Process launcher = launcher(data);
    launcher.destroyForcibly();
    assertThat(launcher.waitFor(10, TimeUnit.SECONDS)).isTrue();
    long leftover =
        Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).getFirst().strip());
    assertThat(ProcessHandle.of(leftover).map(ProcessHandle::isAlive)).hasValue(true);

    try (EmbeddedPostgresServer next = EmbeddedPostgresServer.start(data);
        Connection connection =
            DriverManager.getConnection(next.endpoint().jdbcUrl(), "postgres", null);
        ResultSet one = connection.createStatement().executeQuery("select 1")) {
      assertThat(one.next()).isTrue();
      assertThat(ProcessHandle.of(leftover).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }
  }

  @Test
  void theFolderOfALauncherThatStillRunsIsRefusedAndItsPostgresLeftAlone() throws Exception {
    Path data = dir.resolve("postgres");
    Process launcher = launcher(data);
    try {
      long running =
          Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).getFirst().strip());

      assertThatThrownBy(() -> EmbeddedPostgresServer.start(data))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("another Modelyard runs its PostgreSQL in " + data);
      assertThat(ProcessHandle.of(running).map(ProcessHandle::isAlive)).hasValue(true);
    } finally {
      launcher.destroy();
      launcher.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** Starts a launcher in a JVM of its own, and returns once its PostgreSQL runs. */
  private static Process launcher(Path data) throws Exception {
    Process launcher =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                StartsAndWaits.class.getName(),
                data.toString())
            .redirectErrorStream(true)
            .start();
    BufferedReader output = launcher.inputReader(StandardCharsets.UTF_8);
    for (String line = output.readLine(); ; line = output.readLine()) {
      assertThat(line).as("the launcher's output until it started PostgreSQL").isNotNull();
      if (line.equals(StartsAndWaits.STARTED)) {
        return launcher;
      }
    }
  }

  /** A launcher: starts the embedded PostgreSQL in the folder it is given, says so, and waits. */
  public static final class StartsAndWaits {

    static final String STARTED = "POSTGRES STARTED";

    public static void main(String[] args) throws Exception {
      EmbeddedPostgresServer server = EmbeddedPostgresServer.start(Path.of(args[0]));
      // Stopped as a launcher is (SIGTERM), it stops its PostgreSQL; killed, it cannot.
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      server.close();
                    } catch (java.io.IOException e) {
                      // the test's folder goes anyway
                    }
                  }));
      System.out.println(STARTED);
      System.out.flush();
      Thread.sleep(600_000);
    }
  }
}
