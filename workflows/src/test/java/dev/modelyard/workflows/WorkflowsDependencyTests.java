package dev.modelyard.workflows;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.time.Clock;
import java.time.Instant;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Workflow code must stay deterministic and portable: the Temporal SDK and the JDK only. */
class WorkflowsDependencyTests {

  private final JavaClasses workflows =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.modelyard.workflows");

  @Test
  void dependOnlyOnTheTemporalSdkAndTheJdk() {
    classes()
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage("dev.modelyard.workflows..", "io.temporal..", "java..")
        .check(workflows);
  }

  @Test
  void workflowImplementationsTakeTimeRandomnessAndSleepOnlyFromWorkflow() {
    noClasses()
        .that()
        .haveSimpleNameEndingWith("WorkflowImpl")
        .should()
        .callMethod(System.class, "currentTimeMillis")
        .orShould()
        .callMethod(System.class, "nanoTime")
        .orShould()
        .callMethod(UUID.class, "randomUUID")
        .orShould()
        .callMethod(Thread.class, "sleep", long.class)
        .orShould()
        .dependOnClassesThat()
        .belongToAnyOf(Clock.class, Random.class, Instant.class)
        .check(workflows);
  }
}
