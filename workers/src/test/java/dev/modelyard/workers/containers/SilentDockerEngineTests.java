package dev.modelyard.workers.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelyard.infra.containers.DockerEngineSettings;
import dev.modelyard.infra.runtime.DockerRuntime;
import dev.modelyard.infra.runtime.DockerRuntimeSettings;
import dev.modelyard.workflows.containers.ContainerHostActivities;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Docker engine that takes connections and never answers, on a socket of the test's own (the test
 * environment's engine cannot be made to hang): the host's container activities fail within their
 * attempt's time rather than holding a slot of the host's pool for the client's minutes.
 */
class SilentDockerEngineTests {

  private final TestActivityEnvironment env = TestActivityEnvironment.newInstance();
  private final List<SocketChannel> accepted = new CopyOnWriteArrayList<>();
  private ServerSocketChannel engine;
  private DockerRuntime runtime;

  @AfterEach
  void close() throws IOException {
    env.close();
    if (runtime != null) {
      runtime.close();
    }
    for (SocketChannel channel : accepted) {
      channel.close();
    }
    if (engine != null) {
      engine.close();
    }
  }

  @Test
  void listingTheContainersOfASilentEngineFailsWithinTheAttempt(@TempDir Path dir)
      throws Exception {
    Path socket = dir.resolve("docker.sock");
    engine = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    engine.bind(UnixDomainSocketAddress.of(socket));
    Thread.ofVirtual()
        .start(
            () -> {
              while (engine.isOpen()) {
                try {
                  accepted.add(engine.accept()); // and never a byte back
                } catch (IOException closed) {
                  return;
                }
              }
            });
    runtime =
        DockerRuntime.connect(
            DockerEngineSettings.of(URI.create("unix://" + socket)),
            DockerRuntimeSettings.of("modelyard/engine-runner:test"),
            "silent-host");
    env.registerActivitiesImplementations(new ContainerHostActivitiesImpl(runtime, "silent-host"));
    ContainerHostActivities host =
        env.newActivityStub(
            ContainerHostActivities.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofSeconds(2))
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                .build());
    long start = System.nanoTime();

    assertThatThrownBy(host::listContainers)
        .isInstanceOf(ActivityFailure.class)
        .rootCause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            failure -> {
              assertThat(failure.getType()).isEqualTo(ContainerHostActivitiesImpl.ENGINE_SILENT);
              assertThat(failure.getOriginalMessage()).contains("did not answer within PT1.8S");
            });
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }
}
