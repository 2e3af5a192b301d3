package dev.modelyard.infra.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.testing.FreshSchema;
import dev.modelyard.workflows.deployments.NewInstance;
import dev.modelyard.workflows.deployments.ResourceRequirements;
import dev.modelyard.workflows.deployments.StartedInstance;
import dev.modelyard.workflows.health.HealthRecord;
import dev.modelyard.workflows.health.InstanceToCheck;
import dev.modelyard.workflows.health.RestartTarget;
import dev.modelyard.workflows.models.ModelFileFacts;
import dev.modelyard.workflows.models.ModelRef;
import dev.modelyard.workflows.models.Provider;
import dev.modelyard.workflows.models.RegisterModel;
import dev.modelyard.workflows.models.RegisteredModel;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The registry's health side against the real PostgreSQL, in a schema of its own. */
class InstanceHealthRegistryTests {

  private static FreshSchema database;
  private static JdbcClient jdbc;
  private static ModelRegistry registry;
  private static InstanceHealthRegistry health;
  private static RegisteredModel model;

  @BeforeAll
  static void migrate() {
    database = new FreshSchema();
    jdbc = JdbcClient.create(database.dataSource);
    registry = new ModelRegistry(jdbc);
    health = new InstanceHealthRegistry(jdbc);
    registry.recordHost("host-a", "modelyard-host-host-a");
    model =
        registry.registerModel(
            new RegisterModel(
                new ModelRef(Provider.LOCAL_GGUF, "tiny"),
                "host-a",
                new ModelFileFacts(
                    "/models/tiny.gguf", 1, "00", "gguf", "llama", 1L, "F16", 4096)));
  }

  @AfterAll
  static void drop() {
    database.close();
  }

  @Test
  void listsServingInstancesAndOnlyThoseStartingForTooLong() {
    String ready = ready();
    String startingNow = starting();
    String startingLong = starting();
    jdbc.sql(
            "update model_instances set updated_at = now() - interval '1 hour' where instance_id = ?")
        .param(startingLong)
        .update();

    assertThat(health.instancesToCheck(Duration.ofMinutes(20)))
        .extracting(InstanceToCheck::instanceId)
        .contains(ready, startingLong)
        .doesNotContain(startingNow);
    assertThat(health.instancesToCheck(Duration.ofMinutes(20)))
        .filteredOn(i -> i.instanceId().equals(ready))
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.hostId()).isEqualTo("host-a");
              assertThat(i.endpoint()).isEqualTo("http://127.0.0.1:9999");
              assertThat(i.state()).isEqualTo("ready");
            });
  }

  @Test
  void storesScoreAndStateAndLogsOnlyChangesOfState() {
    String id = ready();

    health.recordHealth(new HealthRecord(id, 80, "ready", "ANSWERED in 900 ms"));
    health.recordHealth(new HealthRecord(id, 30, "unhealthy", "FAILED: connection refused"));
    health.recordHealth(new HealthRecord(id, 5, "unhealthy", "FAILED: connection refused"));

    assertThat(row(id)).isEqualTo("unhealthy/5");
    assertThat(health.events(id))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.kind()).isEqualTo(InstanceHealthRegistry.BECAME_UNHEALTHY);
              assertThat(e.detail()).isEqualTo("FAILED: connection refused");
            });
  }

  @Test
  void aHealthRecordNeverRevivesAnInstanceThatChangedStateMeanwhile() {
    String id = ready();
    registry.recordStopped(id);

    health.recordHealth(new HealthRecord(id, 100, "ready", "ANSWERED in 5 ms"));

    assertThat(row(id)).startsWith("stopped/");
    assertThat(health.events(id)).isEmpty();
  }

  @Test
  void aRestartStartsFromWhatTheInstanceWasStartedWith() {
    String id = ready();

    assertThat(health.restartTarget(id))
        .contains(
            new RestartTarget(
                id,
                model.modelId(),
                "host-a",
                "/models/tiny.gguf",
                new ResourceRequirements(512, 2, 1),
                Provider.LOCAL_GGUF));
  }

  @Test
  void aRestartKeepsTheMemoryLimitAndGpusTheInstanceWasStartedWith() {
    String id = UUID.randomUUID().toString();
    ResourceRequirements limited =
        new ResourceRequirements(512, 2, 1, List.of("0", "GPU-1"), 4L << 30);
    registry.recordStarting(new NewInstance(id, model.modelId(), "host-a", limited));
    registry.recordReady(new StartedInstance(id, "http://127.0.0.1:9999", "c0ffee"));

    assertThat(health.restartTarget(id)).map(RestartTarget::resources).contains(limited);
  }

  @Test
  void aRestartKeepsTheDeploymentTheInstanceWasStartedFor() {
    String id = UUID.randomUUID().toString();
    registry.recordStarting(
        new NewInstance(
            id,
            model.modelId(),
            "host-a",
            new ResourceRequirements(512, 2, 1),
            "deployment-local_gguf-tiny"));
    registry.recordReady(new StartedInstance(id, "http://127.0.0.1:9999"));

    assertThat(health.restartTarget(id))
        .map(RestartTarget::deployment)
        .contains("deployment-local_gguf-tiny");
    assertThat(health.restartTarget(ready()).orElseThrow().deployment())
        .as("a plain load belongs to no deployment")
        .isNull();
  }

  @Test
  void anInstanceWhoseContainerIsGoneIsMarkedUnhealthyAtScoreZeroForTheHealthLoop() {
    String id = ready();
    String stillStarting = starting();
    assertThat(registry.activeInstanceIdsOnHost("host-a")).contains(id, stillStarting);
    assertThat(registry.activeInstanceIdsOnHost("host-b")).doesNotContain(id);

    assertThat(health.recordContainerGone(id, "no running container")).isTrue();
    assertThat(health.recordContainerGone(stillStarting, "no running container"))
        .as("a starting instance is its start's business")
        .isFalse();

    assertThat(row(id)).isEqualTo("unhealthy/0");
    assertThat(health.instancesToCheck(java.time.Duration.ofMinutes(5)))
        .extracting(InstanceToCheck::instanceId)
        .contains(id);
    assertThat(health.events(id))
        .extracting(InstanceHealthEvent::kind)
        .containsExactly(InstanceHealthRegistry.CONTAINER_GONE);
  }

  @Test
  void aSuccessfulRestartMakesTheInstanceReadyAtItsNewEndpointWithAFullScore() {
    String id = ready();
    health.recordHealth(new HealthRecord(id, 19, "unhealthy", "FAILED"));

    assertThat(health.recordRestarting(id, "3 failed probes in a row", null)).isTrue();
    assertThat(row(id)).isEqualTo("starting/19");
    assertThat(registry.routableInstances()).noneMatch(i -> i.instanceId().equals(id));
    health.recordRestartAttemptFailed(
        id, "attempt 1 of 5 failed: out of memory; next in PT2S", null);
    assertThat(health.recordRestarted(id, "http://127.0.0.1:10001", "attempt 2 of 5", null))
        .isTrue();
    assertThat(health.recordRestarted(id, "http://127.0.0.1:10001", "attempt 2 of 5", null))
        .as("the retry of a call whose answer was lost: true, and no second event")
        .isTrue();

    assertThat(row(id)).isEqualTo("ready/100");
    assertThat(registry.routableInstances())
        .filteredOn(i -> i.instanceId().equals(id))
        .singleElement()
        .satisfies(i -> assertThat(i.endpoint()).isEqualTo("http://127.0.0.1:10001"));
    assertThat(health.events(id))
        .extracting(InstanceHealthEvent::kind)
        .containsExactly(
            "unhealthy",
            InstanceHealthRegistry.RESTART_STARTED,
            InstanceHealthRegistry.RESTART_ATTEMPT_FAILED,
            InstanceHealthRegistry.RESTARTED);
  }

  @Test
  void aRestartThatGivesUpMarksTheInstanceFailedWithItsReason() {
    String id = ready();
    health.recordRestarting(id, "3 failed probes in a row", null);

    health.recordRestartFailed(id, "restart gave up after 5 attempt(s): out of memory", null);

    assertThat(row(id)).isEqualTo("failed/0");
    assertThat(
            jdbc.sql("select failure_reason from model_instances where instance_id = ?")
                .param(id)
                .query(String.class)
                .single())
        .contains("gave up after 5");
    assertThat(health.events(id).getLast().kind()).isEqualTo(InstanceHealthRegistry.RESTART_FAILED);
    assertThat(health.restartTarget(id)).isEmpty();
  }

  @Test
  void theRetryOfARestartCallThatCommittedChangesTheRowAsBeforeButLogsNoSecondEvent() {
    String id = ready();

    // Each call twice with its key, as a retry whose first try committed makes it.
    for (int tries = 0; tries < 2; tries++) {
      assertThat(health.recordRestarting(id, "3 failed probes in a row", "restart/r1/1")).isTrue();
    }
    for (int tries = 0; tries < 2; tries++) {
      health.recordRestartAttemptFailed(id, "attempt 1 of 5 failed", "restart/r1/2");
    }
    for (int tries = 0; tries < 2; tries++) {
      health.recordRestartFailed(id, "restart gave up after 1 attempt(s)", "restart/r1/3");
    }
    // The same kind of event from another call (another run of the instance's restart) is logged.
    health.recordRestartFailed(id, "restart gave up again", "restart/r2/3");

    assertThat(row(id)).isEqualTo("failed/0");
    assertThat(health.events(id))
        .extracting(InstanceHealthEvent::kind)
        .containsExactly(
            InstanceHealthRegistry.RESTART_STARTED,
            InstanceHealthRegistry.RESTART_ATTEMPT_FAILED,
            InstanceHealthRegistry.RESTART_FAILED,
            InstanceHealthRegistry.RESTART_FAILED);
  }

  @Test
  void anInstanceUnloadedDuringItsRestartStaysUnloaded() {
    String id = ready();
    health.recordRestarting(id, "3 failed probes in a row", null);
    registry.recordStopped(id);

    assertThat(health.recordRestarted(id, "http://127.0.0.1:10002", "attempt 1 of 5", null))
        .isFalse();
    assertThat(health.recordRestarting(id, "again", null)).isFalse();

    assertThat(row(id)).startsWith("stopped/");
    assertThat(health.events(id))
        .extracting(InstanceHealthEvent::kind)
        .containsExactly(InstanceHealthRegistry.RESTART_STARTED);
  }

  private static String ready() {
    String id = starting();
    registry.recordReady(new StartedInstance(id, "http://127.0.0.1:9999"));
    return id;
  }

  private static String starting() {
    String id = UUID.randomUUID().toString();
    registry.recordStarting(
        new NewInstance(id, model.modelId(), "host-a", new ResourceRequirements(512, 2, 1)));
    return id;
  }

  private static String row(String id) {
    return jdbc.sql(
            "select state || '/' || health_score from model_instances where instance_id = ?")
        .param(id)
        .query(String.class)
        .single();
  }
}
