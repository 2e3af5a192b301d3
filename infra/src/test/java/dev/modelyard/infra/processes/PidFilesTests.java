package dev.modelyard.infra.processes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PidFilesTests {

  @TempDir Path dir;

  @Test
  void aLeftoverOfTheNamedCommandIsStoppedAndAnyOtherProcessIsLeftAlone() throws Exception {
    Process leftover = new ProcessBuilder("sleep", "300").start();
    Process other = new ProcessBuilder("tail", "-f", "/dev/null").start();
    try {
      Path leftoverPid = dir.resolve("leftover.pid");
      Path otherPid = dir.resolve("other.pid");
      PidFiles.write(leftoverPid, leftover.pid());
      PidFiles.write(otherPid, other.pid());

      PidFiles.stopLeftover(leftoverPid, "sleep", Duration.ofSeconds(5));
      PidFiles.stopLeftover(otherPid, "sleep", Duration.ofSeconds(5));
      PidFiles.stopLeftover(dir.resolve("none.pid"), "sleep", Duration.ofSeconds(5));

      assertThat(leftover.waitFor(5, TimeUnit.SECONDS)).isTrue();
      assertThat(other.isAlive()).as("a process of another command, the PID reused").isTrue();
    } finally {
      leftover.destroyForcibly();
      other.destroyForcibly();
    }
  }
}
