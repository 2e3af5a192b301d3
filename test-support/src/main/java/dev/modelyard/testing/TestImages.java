package dev.modelyard.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Container images of Modelyard's own servers, in the local test registry.
 *
 * <p>The engine-runner image holds this build's classes, so it is made at test time from the class
 * path of the running tests (on a clean machine, {@code scripts/test-services.sh} runs before
 * anything is compiled): {@code scripts/test-images/build.sh engine-runner} packs the jars and
 * class folders the runner loads onto a cached base (a jlink'd JRE and the host's libraries), tags
 * the image with the hash of its inputs and pushes it; an image whose hash is in the registry
 * already is not built again.
 */
public final class TestImages {

  /** Classes whose jars or class folders make up the runner's class path. */
  private static final List<String> RUNNER_CLASSES =
      List.of(
          "dev.modelyard.infra.engine.EngineRunnerMain",
          "de.kherud.llama.LlamaModel",
          "tools.jackson.databind.ObjectMapper",
          "tools.jackson.core.JsonParser",
          "com.fasterxml.jackson.annotation.JsonProperty",
          "org.slf4j.Logger");

  private static volatile String engineRunner;

  private TestImages() {}

  /** The engine-runner image of this build, pushed to the local registry (built when missing). */
  public static synchronized String engineRunner() {
    if (engineRunner == null) {
      List<String> command = new ArrayList<>();
      command.add(TestServices.repositoryRoot().resolve("scripts/test-images/build.sh").toString());
      command.add("engine-runner");
      command.addAll(runnerClassPath());
      engineRunner = run(command);
    }
    return engineRunner;
  }

  /** The test environment's Ollama binary as an image, built by scripts/test-services.sh. */
  public static String ollama() {
    return TestServices.get("OLLAMA_IMAGE");
  }

  private static Set<String> runnerClassPath() {
    Set<String> entries = new LinkedHashSet<>();
    for (String name : RUNNER_CLASSES) {
      try {
        Class<?> type = Class.forName(name, false, TestImages.class.getClassLoader());
        entries.add(
            Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(
            name + " is not on the test class path; the engine-runner image needs it", e);
      } catch (URISyntaxException e) {
        throw new IllegalStateException("cannot locate the classes of " + name, e);
      }
    }
    return entries;
  }

  private static String run(List<String> command) {
    try {
      BoundedProcess.Result built =
          BoundedProcess.run(new ProcessBuilder(command), Duration.ofMinutes(10));
      if (built.exitCode() != 0) {
        throw new IllegalStateException(
            "building the engine-runner image failed: "
                + String.join(" ", command.subList(0, 2))
                + "\n"
                + built.output());
      }
      List<String> lines = built.output().strip().lines().toList();
      return lines.getLast().strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while building the engine-runner image", e);
    }
  }
}
