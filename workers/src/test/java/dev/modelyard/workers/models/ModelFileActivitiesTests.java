package dev.modelyard.workers.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelyard.testing.TestServices;
import dev.modelyard.workflows.models.ModelFileActivities;
import dev.modelyard.workflows.models.ModelFileFacts;
import io.temporal.activity.ActivityOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inspecting a local GGUF file (the tiny test model) within the folders allowed, and outside. */
class ModelFileActivitiesTests {

  @TempDir Path root;
  @TempDir Path elsewhere;

  private TestActivityEnvironment env;

  @AfterEach
  void stop() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  void aFileUnderARootIsInspected() throws Exception {
    Path model = Files.copy(TestServices.tinyModel(), root.resolve("tiny.gguf"));

    ModelFileFacts facts = files(List.of(root)).inspectLocalFile(model.toString());

    assertThat(facts.sizeBytes()).isEqualTo(Files.size(model));
    assertThat(facts.format()).isEqualTo("gguf");
  }

  @Test
  void withoutRootsAnyReadableFileIsInspected() throws Exception {
    Path model = Files.copy(TestServices.tinyModel(), elsewhere.resolve("tiny.gguf"));

    assertThat(files(List.of()).inspectLocalFile(model.toString()).format()).isEqualTo("gguf");
  }

  @Test
  void aFileOutsideTheRootsIsRefusedWithoutSayingWhetherItExists() throws Exception {
    Path model = Files.copy(TestServices.tinyModel(), elsewhere.resolve("tiny.gguf"));
    ModelFileActivities files = files(List.of(root));

    assertRefusedAsOutside(files, model.toString());
    assertRefusedAsOutside(files, elsewhere.resolve("missing.gguf").toString());
    assertRefusedAsOutside(files, root.resolve("../" + elsewhere.getFileName() + "/tiny.gguf"));
  }

  @Test
  void aLinkUnderARootLeadingOutOfItIsRefused() throws Exception {
    Path model = Files.copy(TestServices.tinyModel(), elsewhere.resolve("tiny.gguf"));
    Path link = Files.createSymbolicLink(root.resolve("tiny.gguf"), model);

    assertRefusedAsOutside(files(List.of(root)), link.toString());
  }

  @Test
  void aFolderLinkUnderARootLeadingOutOfItTellsNothingOfWhatIsThere() throws Exception {
    Files.copy(TestServices.tinyModel(), elsewhere.resolve("tiny.gguf"));
    Path link = Files.createSymbolicLink(root.resolve("out"), elsewhere);
    ModelFileActivities files = files(List.of(root));

    assertRefusedAsOutside(files, link.resolve("tiny.gguf"));
    assertRefusedAsOutside(files, link.resolve("missing.gguf"));
  }

  private static void assertRefusedAsOutside(ModelFileActivities files, Object path) {
    assertThatThrownBy(() -> files.inspectLocalFile(path.toString()))
        .isInstanceOf(ActivityFailure.class)
        .cause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo(ModelFileActivities.INVALID_MODEL_FILE);
              assertThat(f.isNonRetryable()).isTrue();
              assertThat(f.getOriginalMessage())
                  .contains("is outside the folders")
                  .contains("modelyard.models.local.roots");
            });
  }

  private ModelFileActivities files(List<Path> roots) {
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(new ModelFileActivitiesImpl(roots));
    return env.newActivityStub(
        ModelFileActivities.class,
        ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(1)).build());
  }
}
