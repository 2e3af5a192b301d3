package dev.modelyard.k8s;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** The pods the manifests make: each workload with its pod template. */
record Workloads(HasMetadata owner, PodTemplateSpec template, boolean runsToCompletion) {

  static List<Workloads> all() {
    return Manifests.all().stream().map(Manifests.Manifest::object).flatMap(Workloads::of).toList();
  }

  static Workloads named(String name) {
    return all().stream()
        .filter(w -> w.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no workload " + name));
  }

  private static Stream<Workloads> of(HasMetadata object) {
    return switch (object) {
      case Deployment d -> Stream.of(new Workloads(d, d.getSpec().getTemplate(), false));
      case StatefulSet s -> Stream.of(new Workloads(s, s.getSpec().getTemplate(), false));
      case DaemonSet d -> Stream.of(new Workloads(d, d.getSpec().getTemplate(), false));
      case Job j -> Stream.of(new Workloads(j, j.getSpec().getTemplate(), true));
      default -> Stream.empty();
    };
  }

  String name() {
    return owner.getMetadata().getName();
  }

  String where() {
    return owner.getKind() + "/" + name();
  }

  PodSpec pod() {
    return template.getSpec();
  }

  Map<String, String> labels() {
    return template.getMetadata().getLabels() == null
        ? Map.of()
        : template.getMetadata().getLabels();
  }

  Map<String, String> annotations() {
    return template.getMetadata().getAnnotations() == null
        ? Map.of()
        : template.getMetadata().getAnnotations();
  }

  List<Container> containers() {
    return Stream.concat(
            pod().getInitContainers() == null ? Stream.empty() : pod().getInitContainers().stream(),
            pod().getContainers().stream())
        .toList();
  }

  Optional<LabelSelector> selector() {
    return switch (owner) {
      case Deployment d -> Optional.of(d.getSpec().getSelector());
      case StatefulSet s -> Optional.of(s.getSpec().getSelector());
      case DaemonSet d -> Optional.of(d.getSpec().getSelector());
      default -> Optional.empty();
    };
  }

  /** Whether {@code selector} picks these pods; an empty selector picks every pod. */
  boolean selectedBy(LabelSelector selector) {
    if (selector == null) {
      return false;
    }
    if (selector.getMatchExpressions() != null && !selector.getMatchExpressions().isEmpty()) {
      throw new AssertionError("the manifests select by matchLabels only, for these checks");
    }
    return selectedBy(selector.getMatchLabels());
  }

  boolean selectedBy(Map<String, String> matchLabels) {
    return matchLabels == null || labels().entrySet().containsAll(matchLabels.entrySet());
  }

  static Optional<String> env(Container container, String name) {
    return envVar(container, name).map(EnvVar::getValue);
  }

  /** The variable itself, for one set from elsewhere ({@code valueFrom}) rather than a value. */
  static Optional<EnvVar> envVar(Container container, String name) {
    return container.getEnv() == null
        ? Optional.empty()
        : container.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst();
  }

  /**
   * Whether the scheduler may place this pod on a node with these labels, by its node selector and
   * required node affinity (taints and resources apart).
   */
  boolean schedulableOn(Map<String, String> nodeLabels) {
    Map<String, String> selector = pod().getNodeSelector();
    if (selector != null && !nodeLabels.entrySet().containsAll(selector.entrySet())) {
      return false;
    }
    var affinity = pod().getAffinity();
    if (affinity == null
        || affinity.getNodeAffinity() == null
        || affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
      return true;
    }
    return affinity
        .getNodeAffinity()
        .getRequiredDuringSchedulingIgnoredDuringExecution()
        .getNodeSelectorTerms()
        .stream()
        .anyMatch(
            term ->
                term.getMatchExpressions().stream()
                    .allMatch(
                        e -> {
                          String value = nodeLabels.get(e.getKey());
                          return switch (e.getOperator()) {
                            case "In" -> value != null && e.getValues().contains(value);
                            case "NotIn" -> value == null || !e.getValues().contains(value);
                            case "Exists" -> value != null;
                            case "DoesNotExist" -> value == null;
                            default ->
                                throw new AssertionError(
                                    where() + ": operator " + e.getOperator() + " not evaluated");
                          };
                        }));
  }

  /** The GPUs its pod requests, init containers included. */
  long gpus() {
    return containers().stream()
        .map(c -> c.getResources().getRequests().get("nvidia.com/gpu"))
        .filter(java.util.Objects::nonNull)
        .mapToLong(q -> Quantity.getAmountInBytes(q).longValue())
        .sum();
  }

  /**
   * How many of its pods may run at once: an autoscaled workload's maximum, another's replicas; the
   * GPU host workers' DaemonSet, {@code hostWorkers}.
   */
  long podsAtMost(long hostWorkers) {
    Map<String, Integer> maxima = new java.util.HashMap<>();
    Manifests.all(HorizontalPodAutoscaler.class)
        .forEach(
            h ->
                maxima.put(
                    h.getSpec().getScaleTargetRef().getName(), h.getSpec().getMaxReplicas()));
    return switch (owner) {
      case DaemonSet d -> hostWorkers;
      case Deployment d ->
          maxima.getOrDefault(
              name(), d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas());
      case StatefulSet s ->
          maxima.getOrDefault(
              name(), s.getSpec().getReplicas() == null ? 1 : s.getSpec().getReplicas());
      default -> 1;
    };
  }

  /**
   * The GPU host workers the namespace quota allows: one per GPU it leaves after the other
   * workloads' (Ollama's) at their most.
   */
  static long gpuHostWorkers() {
    long otherGpus =
        all().stream()
            .filter(w -> !(w.owner() instanceof DaemonSet))
            .mapToLong(w -> w.podsAtMost(0) * w.gpus())
            .sum();
    return Quantity.getAmountInBytes(
                Manifests.all(ResourceQuota.class)
                    .getFirst()
                    .getSpec()
                    .getHard()
                    .get("requests.nvidia.com/gpu"))
            .longValueExact()
        - otherGpus;
  }
}
