package dev.modelyard.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import org.junit.jupiter.api.Test;

class ResourcesAndProbesTests {

  @Test
  void everyContainerRequestsAndLimitsCpuAndMemoryWithRequestsWithinLimits() {
    for (Workloads w : Workloads.all()) {
      for (Container c : w.containers()) {
        String where = w.where() + " container " + c.getName();
        var requests = c.getResources().getRequests();
        var limits = c.getResources().getLimits();
        assertThat(requests).as(where + " requests").containsKeys("cpu", "memory");
        assertThat(limits).as(where + " limits").containsKeys("cpu", "memory");
        for (String resource : requests.keySet()) {
          assertThat(Quantity.getAmountInBytes(requests.get(resource)))
              .as(where + " " + resource)
              .isLessThanOrEqualTo(Quantity.getAmountInBytes(limits.get(resource)));
        }
      }
    }
  }

  @Test
  void everyLongRunningContainerHasReadinessAndLivenessProbes() {
    assertThat(Workloads.all())
        .filteredOn(w -> !w.runsToCompletion())
        .flatMap(w -> w.pod().getContainers())
        .allSatisfy(
            c -> {
              assertThat(c.getReadinessProbe()).as(c.getName() + " readiness").isNotNull();
              assertThat(c.getLivenessProbe()).as(c.getName() + " liveness").isNotNull();
            });
  }

  @Test
  void jobsEndEvenWhenTheyCannotSucceed() {
    assertThat(Workloads.all())
        .filteredOn(Workloads::runsToCompletion)
        .isNotEmpty()
        .allSatisfy(
            w -> {
              var job = (io.fabric8.kubernetes.api.model.batch.v1.Job) w.owner();
              assertThat(job.getSpec().getActiveDeadlineSeconds()).as(w.where()).isNotNull();
              assertThat(job.getSpec().getBackoffLimit()).as(w.where()).isNotNull();
            });
  }

  @Test
  void theNamespaceHasAQuotaIncludingGpusAndDefaultLimits() {
    assertThat(Manifests.all(ResourceQuota.class))
        .singleElement()
        .satisfies(
            q ->
                assertThat(q.getSpec().getHard())
                    .containsKeys(
                        "requests.cpu",
                        "requests.memory",
                        "limits.memory",
                        "requests.nvidia.com/gpu"));
    assertThat(Manifests.all(LimitRange.class))
        .singleElement()
        .satisfies(
            l ->
                assertThat(l.getSpec().getLimits())
                    .anySatisfy(
                        item -> {
                          assertThat(item.getType()).isEqualTo("Container");
                          assertThat(item.getDefault()).containsKeys("cpu", "memory");
                          assertThat(item.getDefaultRequest()).containsKeys("cpu", "memory");
                        }));
  }

  @Test
  void everythingTheQuotaCountsFitsInIt() {
    ResourceQuota quota = Manifests.all(ResourceQuota.class).getFirst();
    long gpus =
        Workloads.all().stream()
            .flatMap(w -> w.containers().stream())
            .map(c -> c.getResources().getRequests().get("nvidia.com/gpu"))
            .filter(java.util.Objects::nonNull)
            .mapToLong(q -> Quantity.getAmountInBytes(q).longValue())
            .sum();
    assertThat(gpus).isPositive();
    assertThat(Quantity.getAmountInBytes(quota.getSpec().getHard().get("requests.nvidia.com/gpu")))
        .isGreaterThanOrEqualTo(java.math.BigDecimal.valueOf(gpus));
  }
}
