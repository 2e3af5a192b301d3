package dev.modelyard.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
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

  /**
   * With every autoscaler at its maximum and a host worker on each GPU the quota leaves after the
   * other workloads' (one per GPU node), every pod fits the quota's CPU and memory: a GPU host
   * worker's 48 GiB limit made 512 GiB of limits room for about nine of them, where the GPU quota
   * allowed fifteen, and the rest were refused by the quota.
   */
  @Test
  void theQuotaHoldsEveryPodAtTheAutoscalersMaximumsAndAHostWorkerPerGpuItAllows() {
    Map<String, Quantity> hard = Manifests.all(ResourceQuota.class).getFirst().getSpec().getHard();
    long hostWorkers = Workloads.gpuHostWorkers();
    assertThat(hostWorkers).isPositive();

    for (String dimension :
        List.of("requests.cpu", "requests.memory", "limits.cpu", "limits.memory")) {
      String kind = dimension.substring(0, dimension.indexOf('.'));
      String resource = dimension.substring(dimension.indexOf('.') + 1);
      BigDecimal needed =
          Workloads.all().stream()
              .map(
                  w ->
                      w.pod().getContainers().stream()
                          .map(c -> amount(c, kind, resource))
                          .reduce(BigDecimal.ZERO, BigDecimal::add)
                          .multiply(BigDecimal.valueOf(w.podsAtMost(hostWorkers))))
              .reduce(BigDecimal.ZERO, BigDecimal::add);
      assertThat(Quantity.getAmountInBytes(hard.get(dimension)))
          .as(dimension)
          .isGreaterThanOrEqualTo(needed);
    }
  }

  private static BigDecimal amount(Container c, String kind, String resource) {
    Map<String, Quantity> amounts =
        kind.equals("requests") ? c.getResources().getRequests() : c.getResources().getLimits();
    Quantity q = amounts == null ? null : amounts.get(resource);
    return q == null ? BigDecimal.ZERO : Quantity.getAmountInBytes(q);
  }

  @Test
  void everythingTheQuotaCountsFitsInIt() {
    ResourceQuota quota = Manifests.all(ResourceQuota.class).getFirst();
    long gpus = Workloads.all().stream().mapToLong(Workloads::gpus).sum();
    assertThat(gpus).isPositive();
    assertThat(Quantity.getAmountInBytes(quota.getSpec().getHard().get("requests.nvidia.com/gpu")))
        .isGreaterThanOrEqualTo(BigDecimal.valueOf(gpus));
  }
}
