package dev.modelyard.workflows.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DiscoveryMergeTests {

  private static final ModelEntry USER_GGUF =
      entry("local_gguf", "my-model", "/data/my.gguf", 100L, "aa");

  @Test
  void aReportedModelTheRegistryLacksIsAdded() {
    DiscoveryPlan plan =
        DiscoveryMerge.merge(
            List.of(USER_GGUF),
            List.of(report(entry("local_ollama", "tiny:latest", "tiny:latest", 5L, "d"))));

    assertThat(plan.toAdd()).extracting(ModelEntry::name).containsExactly("tiny:latest");
    assertThat(plan.toUpdate()).isEmpty();
    assertThat(plan.unchanged()).isZero();
  }

  @Test
  void aModelReportedAsRegisteredIsUnchanged() {
    DiscoveryPlan plan = DiscoveryMerge.merge(List.of(USER_GGUF), List.of(report(USER_GGUF)));

    assertThat(plan.toAdd()).isEmpty();
    assertThat(plan.toUpdate()).isEmpty();
    assertThat(plan.unchanged()).isEqualTo(1);
  }

  @Test
  void aModelReportedWithNewFactsIsUpdatedKeepingWhatTheReportDoesNotKnow() {
    ModelEntry reported = entry("local_gguf", "my-model", "/data/my.gguf", 200L, null);

    DiscoveryPlan plan = DiscoveryMerge.merge(List.of(USER_GGUF), List.of(report(reported)));

    assertThat(plan.toUpdate())
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.sizeBytes()).isEqualTo(200L);
              // Discovery does not hash files; the checksum of the pull stays.
              assertThat(m.sha256()).isEqualTo("aa");
            });
    assertThat(plan.toAdd()).isEmpty();
  }

  @Test
  void eachUpdateCarriesTheRowAsReadEvenWhenTwoReportsChangeIt() {
    ModelEntry bigger = entry("local_gguf", "my-model", "/data/my.gguf", 200L, null);
    ModelEntry hashed = entry("local_gguf", "my-model", "/data/my.gguf", null, "bb");

    DiscoveryPlan plan =
        DiscoveryMerge.merge(List.of(USER_GGUF), List.of(report(bigger), report(hashed)));

    assertThat(plan.toUpdate())
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.sizeBytes()).isEqualTo(200L);
              assertThat(m.sha256()).isEqualTo("bb");
            });
    assertThat(plan.toUpdateAsRead()).containsExactly(USER_GGUF);
  }

  @Test
  void anUpdateOfARowThatChangedWhileTheProvidersWereAskedIsLeftToTheNextRun() {
    ModelEntry repulled = entry("local_gguf", "my-model", "/data/my.gguf", 300L, "cc");
    ModelEntry other = entry("local_gguf", "other", "/data/other.gguf", 1L, "o");
    ModelEntry staleReport = entry("local_gguf", "my-model", "/data/my.gguf", 200L, null);
    ModelEntry otherReport = entry("local_gguf", "other", "/data/other.gguf", 2L, null);

    DiscoveryPlan plan =
        DiscoveryMerge.withoutRowsChangedSince(
            DiscoveryMerge.merge(
                List.of(repulled, other), List.of(report(staleReport, otherReport))),
            List.of(USER_GGUF, other));

    assertThat(plan.toUpdate()).extracting(ModelEntry::name).containsExactly("other");
    assertThat(plan.toUpdateAsRead()).containsExactly(other);
  }

  @Test
  void aModelIsMatchedByItsLocationOnTheSameHostWhenItsNameDiffers() {
    ModelEntry pulled = entry("local_ollama", "tiny", "tiny:latest", 5L, "d");
    ModelEntry listed = entry("local_ollama", "tiny:latest", "tiny:latest", 5L, "d");
    DiscoveredInstance loaded =
        new DiscoveredInstance("ollama@h1:tiny:latest", "local_ollama", "tiny:latest", "http://o");

    DiscoveryPlan plan =
        DiscoveryMerge.merge(
            List.of(pulled),
            List.of(new ProviderReport("ollama@h1", true, List.of(listed), List.of(loaded), null)));

    assertThat(plan.toAdd()).isEmpty();
    assertThat(plan.unchanged()).isEqualTo(1);
    // The instance lands on the row the user knows.
    assertThat(plan.instances()).extracting(DiscoveredInstance::modelName).containsExactly("tiny");
    assertThat(plan.instanceSources()).containsExactly("ollama@h1");
  }

  @Test
  void aModelReportedOnNoHostIsMatchedByItsLocationOnWhicheverHostPulledIt() {
    ModelEntry pulled = entry("local_ollama", "tiny", "tiny:latest", 5L, "d");
    // Reported by a worker that runs maintenance only (on Kubernetes): it names no host.
    ModelEntry listed =
        new ModelEntry(
            "local_ollama",
            "tiny:latest",
            null,
            "tiny:latest",
            "ollama",
            null,
            null,
            null,
            null,
            5L,
            "d");
    DiscoveredInstance loaded =
        new DiscoveredInstance(
            "ollama@maintenance:tiny:latest", "local_ollama", "tiny:latest", "http://o");

    DiscoveryPlan plan =
        DiscoveryMerge.merge(
            List.of(pulled),
            List.of(
                new ProviderReport(
                    "ollama@maintenance", true, List.of(listed), List.of(loaded), null)));

    assertThat(plan.toAdd()).isEmpty();
    assertThat(plan.toUpdate())
        .singleElement()
        .satisfies(
            model -> {
              assertThat(model.name()).isEqualTo("tiny");
              assertThat(model.hostId()).isEqualTo("h1");
            });
    assertThat(plan.instances()).extracting(DiscoveredInstance::modelName).containsExactly("tiny");
  }

  @Test
  void registeredModelsNoProviderReportsAreNeverTouched() {
    ModelEntry endpoint = entry("openai_compatible", "remote", "http://x", null, null);

    DiscoveryPlan plan =
        DiscoveryMerge.merge(
            List.of(USER_GGUF, endpoint),
            List.of(report(entry("local_ollama", "tiny:latest", "tiny:latest", 5L, "d"))));

    assertThat(plan.toUpdate()).isEmpty();
    assertThat(plan.toAdd()).extracting(ModelEntry::name).doesNotContain("my-model", "remote");
  }

  @Test
  void anUnreachedProviderIsNoSourceOfStoppedInstances() {
    DiscoveryPlan plan =
        DiscoveryMerge.merge(List.of(), List.of(ProviderReport.unreachable("ollama@h1", "down")));

    assertThat(plan.instanceSources()).isEmpty();
    assertThat(plan.toAdd()).isEmpty();
  }

  private static ProviderReport report(ModelEntry... models) {
    return new ProviderReport("test", true, List.of(models), List.of(), null);
  }

  static ModelEntry entry(String provider, String name, String location, Long size, String sha256) {
    return new ModelEntry(
        provider, name, "h1", location, "gguf", null, null, null, null, size, sha256);
  }
}
