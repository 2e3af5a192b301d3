package dev.modelyard.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Labels that Services, NetworkPolicies, budgets and autoscalers select match the pods made. */
class SelectorsTests {

  @Test
  void everyWorkloadSelectsItsOwnPods() {
    assertThat(Workloads.all())
        .filteredOn(w -> w.selector().isPresent())
        .allSatisfy(w -> assertThat(w.selectedBy(w.selector().get())).as(w.where()).isTrue());
  }

  @Test
  void everyServiceSelectsPodsThatServeItsTargetPorts() {
    for (Service service : Manifests.all(Service.class)) {
      String name = service.getMetadata().getName();
      List<Workloads> pods = selectedPods(service.getSpec().getSelector());
      assertThat(pods).as("pods of Service " + name).isNotEmpty();
      for (ServicePort port : service.getSpec().getPorts()) {
        for (Workloads w : pods) {
          assertThat(serves(w, port.getTargetPort()))
              .as("Service %s port %s → %s", name, port.getName(), w.where())
              .isTrue();
        }
      }
    }
  }

  @Test
  void everyNetworkPolicySelectsPodsAndItsPeersExist() {
    for (NetworkPolicy policy : Manifests.all(NetworkPolicy.class)) {
      String name = policy.getMetadata().getName();
      List<Workloads> targets = selectedPods(policy.getSpec().getPodSelector());
      assertThat(targets).as("pods of NetworkPolicy " + name).isNotEmpty();
      for (var rule : nullSafe(policy.getSpec().getIngress())) {
        for (NetworkPolicyPeer peer : nullSafe(rule.getFrom())) {
          assertPeerExists(name, peer);
        }
        // Traffic let in must find a port open on every pod the policy protects.
        for (NetworkPolicyPort port : nullSafe(rule.getPorts())) {
          assertThat(targets)
              .as("NetworkPolicy %s lets in port %s", name, describe(port))
              .allSatisfy(w -> assertThat(serves(w, port)).as(w.where()).isTrue());
        }
      }
      for (var rule : nullSafe(policy.getSpec().getEgress())) {
        for (NetworkPolicyPeer peer : nullSafe(rule.getTo())) {
          assertPeerExists(name, peer);
          if (peer.getNamespaceSelector() == null && peer.getPodSelector() != null) {
            for (NetworkPolicyPort port : nullSafe(rule.getPorts())) {
              assertThat(selectedPods(peer.getPodSelector()))
                  .as("NetworkPolicy %s lets out to port %s", name, describe(port))
                  .anySatisfy(w -> assertThat(serves(w, port)).isTrue());
            }
          }
        }
      }
    }
  }

  @Test
  void everyPodIsDeniedByDefaultAndGivenItsOwnFlows() {
    List<NetworkPolicy> policies = Manifests.all(NetworkPolicy.class);
    assertThat(policies)
        .anySatisfy(
            p -> {
              assertThat(p.getSpec().getPodSelector().getMatchLabels()).isNullOrEmpty();
              assertThat(p.getSpec().getPolicyTypes())
                  .containsExactlyInAnyOrder("Ingress", "Egress");
              assertThat(p.getSpec().getIngress()).isNullOrEmpty();
              assertThat(p.getSpec().getEgress()).isNullOrEmpty();
            });
    for (Workloads w : Workloads.all()) {
      assertThat(policies)
          .as(w.where() + " has a policy of its own")
          .anySatisfy(
              p -> {
                assertThat(p.getSpec().getPodSelector().getMatchLabels()).isNotEmpty();
                assertThat(w.selectedBy(p.getSpec().getPodSelector())).isTrue();
              });
    }
  }

  /** The public port is reachable only from the ingress controller, the management port never. */
  @Test
  void onlyTheApisPublicPortIsReachableFromOutsideTheNamespace() {
    for (NetworkPolicy policy : Manifests.all(NetworkPolicy.class)) {
      for (var rule : nullSafe(policy.getSpec().getIngress())) {
        boolean fromOutside =
            nullSafe(rule.getFrom()).stream()
                .anyMatch(p -> p.getNamespaceSelector() != null || p.getIpBlock() != null);
        if (fromOutside) {
          assertThat(policy.getSpec().getPodSelector().getMatchLabels())
              .containsEntry("app.kubernetes.io/component", "api");
          assertThat(rule.getPorts())
              .extracting(p -> p.getPort().getIntVal())
              .containsExactly(8000);
        }
      }
    }
  }

  @Test
  void budgetsAndAutoscalersTargetWhatExists() {
    for (PodDisruptionBudget pdb : Manifests.all(PodDisruptionBudget.class)) {
      assertThat(selectedPods(pdb.getSpec().getSelector()))
          .as(pdb.getMetadata().getName())
          .isNotEmpty();
    }
    for (HorizontalPodAutoscaler hpa : Manifests.all(HorizontalPodAutoscaler.class)) {
      var target = hpa.getSpec().getScaleTargetRef();
      assertThat(Workloads.named(target.getName()).owner().getKind()).isEqualTo(target.getKind());
    }
  }

  @Test
  void theIngressTerminatesTlsInFrontOfTheApiService() {
    Ingress ingress = Manifests.all(Ingress.class).getFirst();
    assertThat(ingress.getSpec().getTls())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.getSecretName()).isNotBlank();
              assertThat(t.getHosts())
                  .containsExactly(ingress.getSpec().getRules().getFirst().getHost());
            });
    var backend =
        ingress.getSpec().getRules().getFirst().getHttp().getPaths().getFirst().getBackend();
    Service api =
        Manifests.all(Service.class).stream()
            .filter(s -> s.getMetadata().getName().equals(backend.getService().getName()))
            .findFirst()
            .orElseThrow();
    assertThat(api.getSpec().getPorts())
        .extracting(ServicePort::getName)
        .contains(backend.getService().getPort().getName());
    assertThat(selectedPods(api.getSpec().getSelector()))
        .extracting(Workloads::name)
        .containsExactly("llm-api");
  }

  static Set<String> serviceNames() {
    return Manifests.all(Service.class).stream()
        .map(s -> s.getMetadata().getName())
        .collect(Collectors.toSet());
  }

  static List<Workloads> selectedPods(LabelSelector selector) {
    return Workloads.all().stream().filter(w -> w.selectedBy(selector)).toList();
  }

  static List<Workloads> selectedPods(java.util.Map<String, String> selector) {
    assertThat(selector).as("a Service selects by labels").isNotEmpty();
    return Workloads.all().stream().filter(w -> w.selectedBy(selector)).toList();
  }

  private static void assertPeerExists(String policy, NetworkPolicyPeer peer) {
    if (peer.getNamespaceSelector() == null && peer.getIpBlock() == null) {
      assertThat(selectedPods(peer.getPodSelector()))
          .as("NetworkPolicy %s names pods %s", policy, peer.getPodSelector().getMatchLabels())
          .isNotEmpty();
    }
  }

  /**
   * Whether the pod listens on a policy's port. A range ({@code endPort}) is the model instances':
   * their ports are chosen at run time, so the pod must confine them to exactly that range.
   */
  static boolean serves(Workloads w, NetworkPolicyPort port) {
    if (port.getEndPort() == null) {
      return serves(w, port.getPort());
    }
    String range = port.getPort().getIntVal() + "-" + port.getEndPort();
    return w.pod().getContainers().stream()
        .anyMatch(
            c -> Workloads.env(c, ModelInstancesTests.PORTS).filter(range::equals).isPresent());
  }

  static String describe(NetworkPolicyPort port) {
    return port.getEndPort() == null
        ? String.valueOf(port.getPort())
        : port.getPort().getIntVal() + "-" + port.getEndPort();
  }

  /** Whether a container of the pod listens on {@code port} (a number or a port's name). */
  static boolean serves(Workloads w, IntOrString port) {
    for (Container c : w.pod().getContainers()) {
      for (ContainerPort p : nullSafe(c.getPorts())) {
        if (port.getIntVal() != null
            ? port.getIntVal().equals(p.getContainerPort())
            : port.getStrVal().equals(p.getName())) {
          return true;
        }
      }
    }
    return false;
  }

  static <T> List<T> nullSafe(List<T> list) {
    return list == null ? List.of() : list;
  }
}
