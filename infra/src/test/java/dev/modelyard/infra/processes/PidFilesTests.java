package dev.modelyard.infra.processes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PidFilesTests {

  @TempDir Path dir;

  @Test
  void onlyALeftoverOfTheCommandNamingTheFolderIsStopped() throws Exception {
    Path ours = dir.resolve("ours");
    // A folder whose name begins as ours does: another server's.
    Path theirs = dir.resolve("ours-old");
    // tail stands in for a server: its arguments name its folder, as -D or --db-filename do.
    Process leftover = new ProcessBuilder("tail", "-f", ours + "/server.log", "/dev/null").start();
    Process elsewhere =
        new ProcessBuilder("tail", "-f", theirs + "/server.log", "/dev/null").start();
    // Another program whose arguments name the folder too.
    Process other = new ProcessBuilder("bash", "-c", "sleep 300; true", ours.toString()).start();
    try {
      PidFiles.write(dir.resolve("leftover.pid"), leftover.pid());
      PidFiles.write(dir.resolve("elsewhere.pid"), elsewhere.pid());
      PidFiles.write(dir.resolve("other.pid"), other.pid());

      for (String pidFile :
          new String[] {"leftover.pid", "elsewhere.pid", "other.pid", "none.pid"}) {
        PidFiles.stopLeftover(dir.resolve(pidFile), "tail", ours, Duration.ofSeconds(5));
      }

      assertThat(leftover.waitFor(5, TimeUnit.SECONDS)).isTrue();
      assertThat(elsewhere.isAlive()).as("a server of another folder").isTrue();
      assertThat(other.isAlive()).as("another program, as a reused PID is").isTrue();
    } finally {
      leftover.destroyForcibly();
      elsewhere.destroyForcibly();
      other.destroyForcibly();
    }
  }

  @Test
  void aFolderALauncherHoldsIsNotTakenBySecondOne() throws Exception {
    Path folder = dir.resolve("postgres");
    try (FileLock held = PidFiles.lockFolder(folder, "PostgreSQL")) {
      assertThat(held.isValid()).isTrue();
      assertThatThrownBy(() -> PidFiles.lockFolder(folder, "PostgreSQL"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("another Modelyard runs its PostgreSQL in " + folder);
    }
    try (FileLock again = PidFiles.lockFolder(folder, "PostgreSQL")) {
      assertThat(again.isValid()).as("free once released").isTrue();
    }
  }
}
