package dev.modelyard.workflows.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.workflows.models.ModelRef;
import dev.modelyard.workflows.models.Provider;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CleanupDecisionsTests {

  private static final long NOW = 1_000_000_000L;
  private static final Duration TTL = Duration.ofHours(1);
  private static final long HOUR = Duration.ofHours(1).toMillis();

  @Test
  void aModelIsIdleOnlyWhenEveryInstanceOfItIsIdleLongerThanTheTtl() {
    List<ActiveInstance> instances =
        List.of(
            ready("a1", "old", "h1", NOW - 2 * HOUR),
            ready("b1", "mixed", "h1", NOW - 2 * HOUR),
            ready("b2", "mixed", "h1", NOW - HOUR / 2),
            ready("c1", "fresh", "h1", NOW - HOUR + 1));

    assertThat(CleanupDecisions.idleModels(instances, NOW, TTL))
        .containsExactly(new ModelRef(Provider.LOCAL_GGUF, "old"));
  }

  @Test
  void modelsBeingLoadedOrServedBySomeoneElseAreNeverIdle() {
    List<ActiveInstance> instances =
        List.of(
            ready("a1", "external", "external", NOW - 10 * HOUR),
            ready("b1", "loading", "h1", NOW - 10 * HOUR),
            starting("b2", "loading", NOW - 10 * HOUR));

    assertThat(CleanupDecisions.idleModels(instances, NOW, TTL)).isEmpty();
  }

  @Test
  void onlyInstancesStartingLongerThanTheGraceAreStuck() {
    List<ActiveInstance> instances =
        List.of(
            starting("s-old", "m", NOW - 31 * 60_000L),
            starting("s-new", "m", NOW - 29 * 60_000L),
            ready("r", "m", "h1", NOW - 10 * HOUR));

    assertThat(CleanupDecisions.startingTooLong(instances, NOW, Duration.ofMinutes(30)))
        .extracting(ActiveInstance::instanceId)
        .containsExactly("s-old");
  }

  @Test
  void aStartingInstanceIsOwnedByItsModelsLoadOrDeploymentAndItsOwnRestart() {
    assertThat(CleanupDecisions.possibleOwners(starting("i-1", "tiny", NOW)))
        .containsExactly("load:local_gguf:tiny", "deployment:local_gguf:tiny", "restart:i-1");
  }

  @Test
  void partialFilesPastTheGraceThatNoRunningPullOwnsAreDeleted() {
    PartialFile old = new PartialFile("/s/a.partial", 1, NOW - 25 * HOUR, null);
    PartialFile pulling = new PartialFile("/s/b.partial", 1, NOW - 25 * HOUR, "pull:huggingface:b");
    PartialFile finished =
        new PartialFile("/s/c.partial", 1, NOW - 25 * HOUR, "pull:huggingface:c");
    PartialFile fresh = new PartialFile("/s/d.partial", 1, NOW - HOUR, null);

    List<PartialFile> stale =
        CleanupDecisions.partialsPastGrace(
            List.of(old, pulling, finished, fresh), NOW, Duration.ofHours(24));

    assertThat(stale).containsExactly(old, pulling, finished);
    assertThat(CleanupDecisions.unowned(stale, Set.of("pull:huggingface:b")))
        .containsExactly(old, finished);
  }

  private static ActiveInstance ready(String id, String model, String host, long lastUsed) {
    return new ActiveInstance(id, "local_gguf", model, host, "ready", lastUsed, lastUsed);
  }

  private static ActiveInstance starting(String id, String model, long updated) {
    return new ActiveInstance(id, "local_gguf", model, "h1", "starting", updated, updated);
  }
}
