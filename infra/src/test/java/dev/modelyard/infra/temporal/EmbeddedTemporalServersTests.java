package dev.modelyard.infra.temporal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.testing.TestServices;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both embedded Temporal servers start, answer on loopback, keep state where said, and stop. */
class EmbeddedTemporalServersTests {

  @Test
  void theJavaServerAnswersOnLoopbackOnly() throws Exception {
    try (EmbeddedTemporalServer server = EmbeddedTemporalServer.start(0)) {
      assertThat(server.target()).startsWith("127.0.0.1:");
      assertAnswers(server.target());
    }
  }

  @Test
  void theCliDevServerKeepsItsStateInTheDataDir(@TempDir Path dataDir) throws Exception {
    Path cli = Path.of(TestServices.get("TEMPORAL_CLI"));
    int port = freePort();

    try (TemporalCliDevServer server = TemporalCliDevServer.start(cli, dataDir, port)) {
      assertThat(server.target()).isEqualTo("127.0.0.1:" + port);
      assertAnswers(server.target());
    }

    assertThat(dataDir.resolve("temporal.db")).exists();
    assertThat(Files.size(dataDir.resolve("temporal.db"))).isPositive();
    try (ServerSocket reuse = new ServerSocket(port)) {
      assertThat(reuse.getLocalPort()).as("the port is free again after close").isEqualTo(port);
    }
  }

  @Test
  void theCliDevServerStartsWhenThePortWhereItsUiGoesIsTaken(@TempDir Path dataDir)
      throws Exception {
    Path cli = Path.of(TestServices.get("TEMPORAL_CLI"));
    // The UI goes on the port + 1000 when that is free; here something else holds it.
    ServerSocket taken = null;
    int port = 0;
    while (taken == null) {
      port = freePort();
      if (port + 1000 <= 65535) {
        try {
          taken = new ServerSocket(port + 1000, 1, InetAddress.getLoopbackAddress());
        } catch (IOException inUse) {
          // try another
        }
      }
    }
    try (ServerSocket uiPortTaken = taken;
        TemporalCliDevServer server = TemporalCliDevServer.start(cli, dataDir, port)) {
      // Before, the CLI exited at once ("exited with 1"), the UI's port being in use.
      assertAnswers(server.target());
    }
  }

  @Test
  void theCliDevServerTakesAnyFreePortForZeroAndStopsOneLeftRunningInItsDataDir(
      @TempDir Path dataDir) throws Exception {
    Path cli = Path.of(TestServices.get("TEMPORAL_CLI"));
    // What a launcher killed outright leaves: its server, still running, named by its pid file.
    int leftoverPort = freePort();
    Process leftover =
        new ProcessBuilder(
                cli.toString(),
                "server",
                "start-dev",
                "--ip",
                "127.0.0.1",
                "--port",
                Integer.toString(leftoverPort),
                "--ui-port",
                Integer.toString(freePort()),
                "--db-filename",
                dataDir.toAbsolutePath().resolve("temporal.db").toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      Files.writeString(dataDir.resolve("temporal.pid"), leftover.pid() + "\n");
      assertAnswers("127.0.0.1:" + leftoverPort);

      try (TemporalCliDevServer next = TemporalCliDevServer.start(cli, dataDir, 0)) {
        assertThat(next.target()).startsWith("127.0.0.1:").doesNotEndWith(":0");
        assertAnswers(next.target());
        assertThat(leftover.isAlive()).as("the leftover was stopped").isFalse();
      }
      assertThat(dataDir.resolve("temporal.pid")).as("removed on a clean stop").doesNotExist();
    } finally {
      leftover.destroyForcibly();
    }
  }

  private static void assertAnswers(String target) {
    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newConnectedServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(target).build(),
            Duration.ofSeconds(10));
    try {
      assertThat(
              stubs
                  .blockingStub()
                  .getSystemInfo(GetSystemInfoRequest.getDefaultInstance())
                  .hasCapabilities())
          .isTrue();
    } finally {
      stubs.shutdownNow();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
