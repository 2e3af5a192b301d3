package dev.modelyard.infra.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.infra.runtime.ModelServer;
import dev.modelyard.testing.FreshSchema;
import dev.modelyard.workflows.deployments.NewInstance;
import dev.modelyard.workflows.deployments.ResourceRequirements;
import dev.modelyard.workflows.deployments.StartedInstance;
import dev.modelyard.workflows.models.ModelFileFacts;
import dev.modelyard.workflows.models.ModelRef;
import dev.modelyard.workflows.models.Provider;
import dev.modelyard.workflows.models.RegisterModel;
import dev.modelyard.workflows.models.RegisteredModel;
import java.util.EnumSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The registry against the real PostgreSQL of the test environment, in a schema of its own. */
class ModelRegistryTests {

  private static FreshSchema database;
  private static ModelRegistry registry;

  @BeforeAll
  static void migrate() {
    database = new FreshSchema();
    registry = new ModelRegistry(JdbcClient.create(database.dataSource));
    registry.recordHost("host-a", "modelyard-host-host-a");
  }

  @AfterAll
  static void drop() {
    database.close();
  }

  @Test
  void registeringTheSameModelTwiceUpdatesOneRow() {
    ModelRef model = new ModelRef(Provider.LOCAL_GGUF, "twice");
    RegisteredModel first = registry.registerModel(register(model, "/a.gguf"));

    RegisteredModel second = registry.registerModel(register(model, "/b.gguf"));

    assertThat(second.modelId()).isEqualTo(first.modelId());
    assertThat(registry.findModel(model))
        .get()
        .extracting(RegisteredModel::location)
        .isEqualTo("/b.gguf");
    assertThat(registry.listModels()).filteredOn(m -> m.name().equals("twice")).hasSize(1);
  }

  @Test
  void aNameIsFoundTakenWhenItsTaskIdsWouldBeAnothersAsJavaLowersThem() {
    registry.registerModel(register(new ModelRef(Provider.LOCAL_GGUF, "ΙΧΘΥΣ"), "/fish.gguf"));
    registry.registerModel(register(new ModelRef(Provider.LOCAL_GGUF, "ÉTÉ"), "/summer.gguf"));

    // Java lowers a final sigma to ς and PostgreSQL's lower() to σ; under a C locale it lowers
    // ASCII only: the IDs are Java's, so the check must be too.
    assertThat(registry.nameSharingTaskIds(new ModelRef(Provider.LOCAL_GGUF, "ιχθυς")))
        .hasValue("ΙΧΘΥΣ");
    assertThat(registry.nameSharingTaskIds(new ModelRef(Provider.LOCAL_GGUF, "été")))
        .hasValue("ÉTÉ");
    assertThat(registry.nameSharingTaskIds(new ModelRef(Provider.LOCAL_GGUF, "ÉTÉ"))).isEmpty();
    assertThat(registry.nameSharingTaskIds(new ModelRef(Provider.HUGGINGFACE, "été"))).isEmpty();
  }

  @Test
  void aHostSaysWhatItsRuntimeRunsAndAnOlderWorkerLeavesThatUnknown() {
    registry.recordHost(
        "host-docker",
        "q",
        new HostRuntime(EnumSet.of(ModelServer.ENGINE_RUNNER, ModelServer.OLLAMA), true));
    registry.recordHost("host-old", "q");

    assertThat(registry.modelServers("host-docker"))
        .containsExactlyInAnyOrder(ModelServer.ENGINE_RUNNER, ModelServer.OLLAMA);
    assertThat(registry.runsContainers("host-docker")).contains(true);
    assertThat(registry.modelServers("host-old")).isEmpty();
    assertThat(registry.runsContainers("host-old")).isEmpty();
    assertThat(registry.modelServers("no-such-host")).isEmpty();
    assertThat(registry.runsContainers("no-such-host")).isEmpty();

    registry.recordHost(
        "host-docker", "q", new HostRuntime(EnumSet.of(ModelServer.ENGINE_RUNNER), false));
    assertThat(registry.modelServers("host-docker")).containsExactly(ModelServer.ENGINE_RUNNER);
    assertThat(registry.runsContainers("host-docker")).contains(false);
  }

  @Test
  void aHostSilentForLongerThanTheSilenceIsNoLongerListedUntilItsWorkerSaysItIsAlive() {
    registry.recordHost("host-alive", "q");
    registry.recordHost("host-gone", "q");
    JdbcClient.create(database.dataSource)
        .sql("update hosts set last_seen = now() - interval '4 minutes' where host_id = :host")
        .param("host", "host-gone")
        .update();

    assertThat(registry.hostIds()).contains("host-alive").doesNotContain("host-gone");

    registry.touchHost("host-gone");
    assertThat(registry.hostIds()).contains("host-alive", "host-gone");
  }

  @Test
  void anInstanceIsRoutableOnlyOnceReady() {
    RegisteredModel model =
        registry.registerModel(register(new ModelRef(Provider.LOCAL_GGUF, "served"), "/s.gguf"));
    registry.recordStarting(
        new NewInstance("i-1", model.modelId(), "host-a", ResourceRequirements.DEFAULTS));

    assertThat(registry.routableInstances()).noneMatch(i -> i.instanceId().equals("i-1"));
    assertThat(registry.findReadyInstance(model.modelId())).isEmpty();

    registry.recordReady(new StartedInstance("i-1", "http://127.0.0.1:9999"));

    assertThat(registry.routableInstances())
        .filteredOn(i -> i.instanceId().equals("i-1"))
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.endpoint()).isEqualTo("http://127.0.0.1:9999");
              assertThat(i.modelName()).isEqualTo("served");
              assertThat(i.healthScore()).isEqualTo(100);
            });
    assertThat(registry.listModels())
        .filteredOn(m -> m.name().equals("served"))
        .singleElement()
        .satisfies(
            m ->
                assertThat(m.instances())
                    .extracting(InstanceListing::state)
                    .containsExactly("ready"));
  }

  @Test
  void anInstanceStoppedWhileItStartedIsNotMarkedReady() {
    RegisteredModel model =
        registry.registerModel(register(new ModelRef(Provider.LOCAL_GGUF, "raced"), "/r.gguf"));
    registry.recordStarting(
        new NewInstance("i-3", model.modelId(), "host-a", ResourceRequirements.DEFAULTS));
    registry.recordStarting(
        new NewInstance("i-4", model.modelId(), "host-a", ResourceRequirements.DEFAULTS));
    registry.recordStopping("i-3");
    registry.recordStopped("i-3");

    assertThat(registry.recordReadyIfStarting(new StartedInstance("i-3", "http://127.0.0.1:9997")))
        .isFalse();
    assertThat(registry.recordReadyIfStarting(new StartedInstance("i-4", "http://127.0.0.1:9996")))
        .isTrue();
    assertThat(registry.recordReadyIfStarting(new StartedInstance("i-4", "http://127.0.0.1:9996")))
        .as("the retry of a call that marked it ready but whose answer was lost")
        .isTrue();
    assertThat(registry.recordReadyIfStarting(new StartedInstance("i-4", "http://127.0.0.1:9995")))
        .as("ready, but at another endpoint: not this start's")
        .isFalse();

    assertThat(registry.routableInstances())
        .extracting(i -> i.instanceId())
        .contains("i-4")
        .doesNotContain("i-3");
  }

  @Test
  void aFailedInstanceLeavesTheRoutingTableWithItsReason() {
    RegisteredModel model =
        registry.registerModel(register(new ModelRef(Provider.LOCAL_GGUF, "broken"), "/x.gguf"));
    registry.recordStarting(
        new NewInstance("i-2", model.modelId(), "host-a", ResourceRequirements.DEFAULTS));
    registry.recordReady(new StartedInstance("i-2", "http://127.0.0.1:9998"));

    registry.recordFailed("i-2", "out of memory");

    assertThat(registry.routableInstances()).noneMatch(i -> i.instanceId().equals("i-2"));
    assertThat(registry.findReadyInstance(model.modelId())).isEmpty();
  }

  @Test
  void theMostRecentlySeenHostIsChosen() {
    registry.recordHost("host-b", "modelyard-host-host-b");

    assertThat(registry.mostRecentHost()).contains("host-b");
  }

  private static RegisterModel register(ModelRef model, String path) {
    return new RegisterModel(
        model, "host-a", new ModelFileFacts(path, 100, "00ff", "gguf", "llama", 5, "Q4_0", 2048));
  }
}
