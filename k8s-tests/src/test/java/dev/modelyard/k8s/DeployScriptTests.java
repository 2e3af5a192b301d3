package dev.modelyard.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.testing.BoundedProcess;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy.sh passes {@code bash -n} and shellcheck (which scripts/test-services.sh installs: its
 * absence fails the test), applies every manifest and waits for every workload.
 */
class DeployScriptTests {

  static final Path DEPLOY = Manifests.k8s().resolve("deploy.sh");

  @Test
  void deployShIsValidBash() throws Exception {
    assertThat(run("bash", "-n", DEPLOY.toString())).isEmpty();
  }

  @Test
  void deployShPassesShellcheck() throws Exception {
    assertThat(run("shellcheck", "--severity=style", DEPLOY.toString())).isEmpty();
  }

  @Test
  void deployShIsExecutable() {
    assertThat(Files.isExecutable(DEPLOY)).isTrue();
  }

  @Test
  void deployShAppliesEveryManifestAndTheMonitoringKustomization() throws IOException {
    String script = Files.readString(DEPLOY);
    for (Path file : Manifests.files()) {
      assertThat(script).contains("apply " + file.getFileName() + "\n");
    }
    assertThat(script).contains("kubectl kustomize \"$HERE/monitoring\"");
  }

  @Test
  void deployShWaitsForEveryWorkload() throws IOException {
    String script = Files.readString(DEPLOY).replace("\\\n", " ");
    for (Workloads w : Workloads.all()) {
      String target =
          switch (w.owner()) {
            case Deployment d -> "deployment/" + w.name();
            case StatefulSet s -> "statefulset/" + w.name();
            case DaemonSet d -> "rollout_daemonset " + w.name();
            case Job j -> "run_job " + w.name();
            default -> throw new AssertionError(w.where());
          };
      assertThat(script).as(w.where()).contains(target);
    }
  }

  @Test
  @Timeout(120)
  void deployShStopsBeforeApplyingAnythingButTheNamespaceWhenNoNodeIsLabelledForOllama(
      @TempDir Path bin) throws Exception {
    Path calls = bin.resolve("calls");
    Deployed unlabelled = deployWithKubectlStandIn(bin, calls, "");

    assertThat(unlabelled.exitCode()).isEqualTo(1);
    assertThat(unlabelled.output()).contains("no node is labelled modelyard.dev/gpu-for=ollama");
    assertThat(Files.readAllLines(calls))
        .filteredOn(call -> call.contains(" apply "))
        .as("the namespace only")
        .hasSize(1);

    Deployed labelled = deployWithKubectlStandIn(bin, calls, "node/gpu-1");

    assertThat(labelled.exitCode()).as(labelled.output()).isZero();
    assertThat(Files.readString(calls)).contains("rollout status statefulset/ollama");
  }

  @Test
  @Timeout(120)
  void theImagesAreTaggedAsTheBuildPushedThemSoThatARebuildRolls(@TempDir Path bin)
      throws Exception {
    Path calls = bin.resolve("calls");

    Deployed deployed =
        deployWithKubectlStandIn(
            bin,
            calls,
            "node/gpu-1",
            Map.of(
                "MODELYARD_IMAGE_PREFIX",
                "registry.example.com/modelyard/",
                "MODELYARD_IMAGE_TAG",
                "0123456789ab"));

    assertThat(deployed.exitCode()).as(deployed.output()).isZero();
    List<String> images =
        Files.readAllLines(Path.of(calls + ".applied")).stream()
            .map(String::strip)
            .filter(line -> line.startsWith("image: registry.example.com/modelyard/"))
            .distinct()
            .toList();
    assertThat(images)
        .containsExactlyInAnyOrder(
            "image: registry.example.com/modelyard/api:0123456789ab",
            "image: registry.example.com/modelyard/workers:0123456789ab");
  }

  @Test
  @Timeout(120)
  void theGpuHostWorkersAreWaitedForTheRolloutTimeoutPerNode(@TempDir Path bin) throws Exception {
    // One node at a time, each held 2 minutes once ready: 10 minutes for all four was too short.
    assertThat(deployedOnGpuNodes(bin, "4", "10m"))
        .contains("rollout status daemonset/workers-host --timeout=2400s");
  }

  @Test
  @Timeout(120)
  void aRolloutTimeoutOfSeveralUnitsCountsThemAllAndAnythingElseIsRefused(@TempDir Path bin)
      throws Exception {
    assertThat(deployedOnGpuNodes(bin, "2", "1h30m"))
        .contains("rollout status daemonset/workers-host --timeout=10800s");

    Deployed nonsense =
        deployWithKubectlStandIn(
            bin, bin.resolve("calls"), "gpu-1", Map.of("ROLLOUT_TIMEOUT", "soon"));
    assertThat(nonsense.exitCode()).isNotZero();
    assertThat(nonsense.output()).contains("ROLLOUT_TIMEOUT: 'soon' is not a duration");
  }

  /**
   * deploy.sh's kubectl calls, with {@code nodes} running the GPU host workers and the given
   * ROLLOUT_TIMEOUT; the deploy must succeed.
   */
  private static String deployedOnGpuNodes(Path bin, String nodes, String rolloutTimeout)
      throws IOException, InterruptedException {
    Path calls = bin.resolve("calls");
    Deployed deployed =
        deployWithKubectlStandIn(
            bin,
            calls,
            "gpu-1",
            Map.of("DAEMONSET_NODES", nodes, "ROLLOUT_TIMEOUT", rolloutTimeout));
    assertThat(deployed.exitCode()).as(deployed.output()).isZero();
    return Files.readString(calls);
  }

  private record Deployed(int exitCode, String output) {}

  /**
   * deploy.sh against a stand-in for kubectl (no cluster here) that records its calls, has every
   * Secret deploy.sh asks for, and lists {@code labelledNodes} for Ollama's node label.
   */
  private static Deployed deployWithKubectlStandIn(Path bin, Path calls, String labelledNodes)
      throws IOException, InterruptedException {
    return deployWithKubectlStandIn(bin, calls, labelledNodes, Map.of());
  }

  private static Deployed deployWithKubectlStandIn(
      Path bin, Path calls, String labelledNodes, Map<String, String> environment)
      throws IOException, InterruptedException {
    Path kubectl = bin.resolve("kubectl");
    Files.writeString(
        kubectl,
        """
        #!/usr/bin/env bash
        echo "kubectl $*" >> "%s"
        case "$*" in
          *"get secret"*) echo "password database-url secret-key admin-key" ;;
          *"get nodes"*) echo "%s" | grep . || true ;;
          *"get daemonset"*) echo "${DAEMONSET_NODES:-}" ;;
          *" apply "*) cat >> "%s.applied" ;;
        esac
        """
            .formatted(calls, labelledNodes, calls));
    kubectl.toFile().setExecutable(true);
    Files.deleteIfExists(calls);
    Files.deleteIfExists(Path.of(calls + ".applied"));
    ProcessBuilder deploy =
        new ProcessBuilder(DEPLOY.toString(), "modelyard-test").redirectErrorStream(true);
    deploy.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    deploy.environment().putAll(environment);
    deploy.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    BoundedProcess.Result result = BoundedProcess.run(deploy, Duration.ofSeconds(60));
    return new Deployed(result.exitCode(), result.output());
  }

  /** Runs a command; returns its output when it succeeds, fails the test with it otherwise. */
  static String run(String... command) throws IOException, InterruptedException {
    BoundedProcess.Result result;
    try {
      result = BoundedProcess.run(new ProcessBuilder(command), Duration.ofSeconds(60));
    } catch (IOException e) {
      throw new AssertionError(
          command[0]
              + " is not installed: scripts/test-services.sh installs it (Debian package "
              + command[0]
              + ")",
          e);
    }
    assertThat(result.exitCode()).as(String.join(" ", command) + "\n" + result.output()).isZero();
    return result.output();
  }
}
