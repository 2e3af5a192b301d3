package dev.modelyard.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
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
    Map<String, ResourceQuantity> hard = new java.util.TreeMap<>();
    ResourceQuota quota = Manifests.all(ResourceQuota.class).getFirst();
    quota.getSpec().getHard().forEach((k, v) -> hard.put(k, new ResourceQuantity(v)));
    Map<String, Integer> maxima = new java.util.HashMap<>();
    Manifests.all(HorizontalPodAutoscaler.class)
        .forEach(
            h ->
                maxima.put(
                    h.getSpec().getScaleTargetRef().getName(), h.getSpec().getMaxReplicas()));
    long otherGpus =
        Workloads.all().stream()
            .filter(w -> !(w.owner() instanceof DaemonSet))
            .mapToLong(w -> pods(w, maxima, 0) * gpus(w))
            .sum();
    long hostWorkers = hard.get("requests.nvidia.com/gpu").whole() - otherGpus;
    assertThat(hostWorkers).isPositive();

    for (String dimension :
        List.of("requests.cpu", "requests.memory", "limits.cpu", "limits.memory")) {
      String kind = dimension.substring(0, dimension.indexOf('.'));
      String resource = dimension.substring(dimension.indexOf('.') + 1);
      java.math.BigDecimal needed =
          Workloads.all().stream()
              .map(
                  w ->
                      w.pod().getContainers().stream()
                          .map(c -> amount(c, kind, resource))
                          .reduce(java.math.BigDecimal.ZERO, java.math.BigDecimal::add)
                          .multiply(java.math.BigDecimal.valueOf(pods(w, maxima, hostWorkers))))
              .reduce(java.math.BigDecimal.ZERO, java.math.BigDecimal::add);
      assertThat(hard.get(dimension).amount()).as(dimension).isGreaterThanOrEqualTo(needed);
    }
  }

  /** A quota's value in base units (cores, bytes). */
  private record ResourceQuantity(Quantity quantity) {

    java.math.BigDecimal amount() {
      return Quantity.getAmountInBytes(quantity);
    }

    long whole() {
      return amount().longValueExact();
    }
  }

  private static long pods(Workloads w, Map<String, Integer> maxima, long hostWorkers) {
    return switch (w.owner()) {
      case DaemonSet d -> hostWorkers;
      case Deployment d ->
          maxima.getOrDefault(
              w.name(), d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas());
      case StatefulSet s ->
          maxima.getOrDefault(
              w.name(), s.getSpec().getReplicas() == null ? 1 : s.getSpec().getReplicas());
      default -> 1;
    };
  }

  private static long gpus(Workloads w) {
    return w.pod().getContainers().stream()
        .map(c -> c.getResources().getRequests().get("nvidia.com/gpu"))
        .filter(java.util.Objects::nonNull)
        .mapToLong(q -> Quantity.getAmountInBytes(q).longValue())
        .sum();
  }

  private static java.math.BigDecimal amount(Container c, String kind, String resource) {
    Map<String, Quantity> amounts =
        kind.equals("requests") ? c.getResources().getRequests() : c.getResources().getLimits();
    Quantity q = amounts == null ? null : amounts.get(resource);
    return q == null ? java.math.BigDecimal.ZERO : Quantity.getAmountInBytes(q);
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
