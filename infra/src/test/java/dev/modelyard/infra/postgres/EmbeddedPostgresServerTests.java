package dev.modelyard.infra.postgres;

import static org.assertj.core.api.Assertions.assertThat;

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
    Process launcher =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                StartsAndWaits.class.getName(),
                data.toString())
            .redirectErrorStream(true)
            .start();
    try (BufferedReader output = launcher.inputReader(StandardCharsets.UTF_8)) {
      for (String line = output.readLine(); ; line = output.readLine()) {
        assertThat(line).as("the launcher's output until it started PostgreSQL").isNotNull();
        if (line.equals(StartsAndWaits.STARTED)) {
          break;
        }
      }
    }
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

  /** A launcher: starts the embedded PostgreSQL in the folder it is given, says so, and waits. */
  public static final class StartsAndWaits {

    static final String STARTED = "POSTGRES STARTED";

    public static void main(String[] args) throws Exception {
      EmbeddedPostgresServer.start(Path.of(args[0]));
      System.out.println(STARTED);
      System.out.flush();
      Thread.sleep(600_000);
    }
  }
}
