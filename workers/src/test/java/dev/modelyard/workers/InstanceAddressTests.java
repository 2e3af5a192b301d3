package dev.modelyard.workers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelyard.infra.providers.openai.OpenAiCompatibleClient;
import dev.modelyard.infra.runtime.ModelRuntime;
import dev.modelyard.infra.settings.DataDirSettings;
import dev.modelyard.infra.settings.DockerSettings;
import dev.modelyard.infra.settings.HostSettings;
import dev.modelyard.testing.TestServices;
import dev.modelyard.workers.deployments.InstanceHostActivitiesImpl;
import dev.modelyard.workflows.deployments.InstanceHostActivities;
import dev.modelyard.workflows.deployments.ResourceRequirements;
import dev.modelyard.workflows.deployments.StartInstance;
import dev.modelyard.workflows.deployments.StartedInstance;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * MODELYARD_INSTANCE_ADDRESS end to end: from the environment variable, through the worker's
 * runtime bean and the host activity that returns the URL the registry records, to a real instance
 * of the tiny model listening there and only there. Linux routes all of 127/8 to loopback, so
 * 127.0.0.2 stands in for a pod's IP: an instance bound to 127.0.0.1 or to every address would
 * show.
 */
class InstanceAddressTests {

  private static final String ADDRESS = "127.0.0.2";
  // A range of its own, away from the ephemeral ports other tests on this machine are given.
  private static final int FIRST_PORT = 28_700;
  private static final int LAST_PORT = 28_799;

  @TempDir Path dataDir;

  private ModelRuntime runtime;
  private TestActivityEnvironment activities;

  @AfterEach
  void stop() throws Exception {
    if (activities != null) {
      activities.close();
    }
    if (runtime != null) {
      runtime.close();
    }
  }

  @Test
  void anInstanceIsRegisteredAtAndAnswersOnlyOnTheConfiguredAddress() throws Exception {
    StandardEnvironment environment = new StandardEnvironment();
    environment
        .getPropertySources()
        .addFirst(
            new SystemEnvironmentPropertySource(
                "env",
                Map.of(
                    "MODELYARD_RUNTIME",
                    "in-process",
                    "MODELYARD_INSTANCE_ADDRESS",
                    ADDRESS,
                    "MODELYARD_INSTANCE_PORTS",
                    FIRST_PORT + "-" + LAST_PORT)));
    RuntimeSettings settings =
        Binder.get(environment).bindOrCreate("modelyard", RuntimeSettings.class);
    runtime =
        new WorkersConfiguration()
            .modelRuntime(
                settings,
                new DataDirSettings(dataDir),
                new DockerSettings(null),
                new HostSettings("test-host"),
                environment);

    StartedInstance started =
        hostActivities()
            .startInstance(
                new StartInstance(
                    "instance-address-1",
                    "tiny",
                    TestServices.tinyModel().toString(),
                    new ResourceRequirements(512, 2, 1)));

    URI endpoint = URI.create(started.endpoint());
    assertThat(endpoint.getHost()).isEqualTo(ADDRESS);
    assertThat(endpoint.getPort()).isBetween(FIRST_PORT, LAST_PORT);
    assertThat(health(endpoint)).isEqualTo(200);
    assertThatThrownBy(() -> connect("127.0.0.1", endpoint.getPort()))
        .as("nothing listens on 127.0.0.1:%d", endpoint.getPort())
        .isInstanceOf(ConnectException.class);
  }

  /** The activity a host runs to start an instance; it probes it with a one-token generation. */
  private InstanceHostActivities hostActivities() {
    activities = TestActivityEnvironment.newInstance();
    activities.registerActivitiesImplementations(
        new InstanceHostActivitiesImpl(
            runtime, new OpenAiCompatibleClient(Duration.ofSeconds(2), Duration.ofSeconds(60))));
    return activities.newActivityStub(
        InstanceHostActivities.class,
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofMinutes(2))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
            .build());
  }

  private static int health(URI endpoint) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(
              HttpRequest.newBuilder(endpoint.resolve("/health"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    }
  }

  private static void connect(String host, int port) throws Exception {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 2_000);
    }
  }
}
