package dev.modelyard.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every pod meets Pod Security's "restricted" profile, which the namespace warns about rather than
 * enforces (namespace.yaml says why); the exceptions are named in the pod's own annotations.
 */
class SecurityTests {

  static final String WRITABLE_ROOT = "modelyard.dev/writable-root-filesystem";
  static final String HOST_PATH = "modelyard.dev/host-path";

  @Test
  void everyPodRunsAsANonRootUserWithTheDefaultSeccompProfile() {
    assertThat(Workloads.all())
        .allSatisfy(
            w -> {
              PodSecurityContext pod = w.pod().getSecurityContext();
              assertThat(pod).as(w.where()).isNotNull();
              assertThat(pod.getRunAsNonRoot()).as(w.where() + " runAsNonRoot").isTrue();
              assertThat(pod.getRunAsUser()).as(w.where() + " runAsUser").isNotNull().isPositive();
              assertThat(pod.getSeccompProfile().getType())
                  .as(w.where())
                  .isEqualTo("RuntimeDefault");
              assertThat(w.pod().getHostNetwork()).as(w.where()).isNotEqualTo(Boolean.TRUE);
              assertThat(w.pod().getHostPID()).as(w.where()).isNotEqualTo(Boolean.TRUE);
              assertThat(w.pod().getHostIPC()).as(w.where()).isNotEqualTo(Boolean.TRUE);
            });
  }

  @Test
  void everyContainerDropsAllCapabilitiesAndCannotEscalate() {
    for (Workloads w : Workloads.all()) {
      for (Container c : w.containers()) {
        SecurityContext sc = c.getSecurityContext();
        String where = w.where() + " container " + c.getName();
        assertThat(sc).as(where).isNotNull();
        assertThat(sc.getAllowPrivilegeEscalation()).as(where).isFalse();
        assertThat(sc.getPrivileged()).as(where).isNotEqualTo(Boolean.TRUE);
        assertThat(sc.getCapabilities().getDrop()).as(where).containsExactly("ALL");
        assertThat(sc.getCapabilities().getAdd()).as(where).isNullOrEmpty();
        assertThat(sc.getRunAsUser() == null || sc.getRunAsUser() != 0)
            .as(where + " root")
            .isTrue();
      }
    }
  }

  @Test
  void rootFileSystemsAreReadOnlyUnlessThePodSaysWhyNot() {
    for (Workloads w : Workloads.all()) {
      boolean excepted = w.annotations().containsKey(WRITABLE_ROOT);
      for (Container c : w.containers()) {
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem())
            .as(w.where() + " container " + c.getName() + " (or annotate " + WRITABLE_ROOT + ")")
            .isEqualTo(!excepted);
      }
    }
  }

  @Test
  void ourOwnImagesAlwaysRunWithAReadOnlyRoot() {
    assertThat(Workloads.all())
        .filteredOn(
            w -> w.containers().stream().anyMatch(c -> c.getImage().startsWith("modelyard/")))
        .isNotEmpty()
        .allSatisfy(
            w -> assertThat(w.annotations()).as(w.where()).doesNotContainKey(WRITABLE_ROOT));
  }

  @Test
  void onlyTheHostWorkersMountAHostPathAndSayWhy() {
    for (Workloads w : Workloads.all()) {
      List<Volume> volumes = w.pod().getVolumes() == null ? List.of() : w.pod().getVolumes();
      boolean hostPath = volumes.stream().anyMatch(v -> v.getHostPath() != null);
      assertThat(hostPath).as(w.where()).isEqualTo(w.name().equals("workers-host"));
      assertThat(w.annotations().containsKey(HOST_PATH)).as(w.where()).isEqualTo(hostPath);
    }
  }

  @Test
  void everyPodHasItsOwnDeclaredServiceAccountAndOnlyPrometheusATokenToo() {
    Set<String> accounts =
        Manifests.all(ServiceAccount.class).stream()
            .map(a -> a.getMetadata().getName())
            .collect(java.util.stream.Collectors.toSet());
    for (Workloads w : Workloads.all()) {
      String account = w.pod().getServiceAccountName();
      assertThat(accounts).as(w.where()).contains(account);
      assertThat(w.pod().getAutomountServiceAccountToken())
          .as(w.where())
          .isEqualTo(account.equals("prometheus"));
    }
  }
}
