package dev.modelyard.k8s;

import static dev.modelyard.k8s.SelectorsTests.nullSafe;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The model instances that the host workers start are called directly by the API's pods, and probed
 * by the workers: each must listen on its pod's IP, at a port of a fixed range, and the
 * NetworkPolicies must let exactly that range through.
 */
class ModelInstancesTests {

  static final String ADDRESS = "MODELYARD_INSTANCE_ADDRESS";
  static final String PORTS = "MODELYARD_INSTANCE_PORTS";
  static final String LABEL = "modelyard.dev/model-instances";

  @Test
  void theWorkersThatRunInstancesAreTheOnesLabelledForThePolicies() {
    assertThat(instanceHosts()).extracting(Workloads::name).containsExactly("workers-host");
    assertThat(Workloads.all())
        .filteredOn(w -> "true".equals(w.labels().get(LABEL)))
        .extracting(Workloads::name)
        .containsExactly("workers-host");
  }

  @Test
  void instancesListenOnThePodsIpFromTheDownwardApi() {
    for (Workloads host : instanceHosts()) {
      EnvVar address = Workloads.envVar(worker(host), ADDRESS).orElseThrow();
      assertThat(address.getValue()).as(host.where()).isNull();
      assertThat(address.getValueFrom().getFieldRef().getFieldPath())
          .as(host.where())
          .isEqualTo("status.podIP");
    }
  }

  @Test
  void instancesTakeTheirPortsFromARangeClearOfThePodsOwnPorts() {
    for (Workloads host : instanceHosts()) {
      int[] range = range(host);
      // The pods run as a non-root user without capabilities: no port below 1024.
      assertThat(range[0]).as(host.where()).isBetween(1024, range[1]);
      assertThat(range[1]).as(host.where()).isLessThanOrEqualTo(65_535);
      for (Container c : host.pod().getContainers()) {
        for (ContainerPort p : nullSafe(c.getPorts())) {
          int port = p.getContainerPort();
          assertThat(port < range[0] || port > range[1])
              .as("%s port %d is outside the instances' range", host.where(), port)
              .isTrue();
        }
      }
    }
  }

  @Test
  void theApiReachesInstancesOnExactlyTheirPortRange() {
    Workloads api = Workloads.named("llm-api");
    for (Workloads host : instanceHosts()) {
      String range = Workloads.env(worker(host), PORTS).orElseThrow();
      assertThat(ingress(api, host)).as("%s lets in the API", host.where()).containsExactly(range);
      assertThat(egress(api, host)).as("the API may call %s", host.where()).containsExactly(range);
    }
  }

  @Test
  void theHealthWorkersProbeInstancesOnExactlyTheirPortRange() {
    Workloads health = Workloads.named("workers-health");
    for (Workloads host : instanceHosts()) {
      String range = Workloads.env(worker(host), PORTS).orElseThrow();
      assertThat(ingress(health, host))
          .as("%s lets in probes", host.where())
          .containsExactly(range);
      assertThat(egress(health, host))
          .as("probes may reach %s", host.where())
          .containsExactly(range);
    }
  }

  /** The workloads that poll the host queue, where instances are started. */
  static List<Workloads> instanceHosts() {
    return Workloads.all().stream()
        .filter(
            w ->
                w.pod().getContainers().stream()
                    .anyMatch(
                        c ->
                            Workloads.env(c, "MODELYARD_WORKERS_POOLS")
                                .map(p -> List.of(p.split(",")).contains("host"))
                                .orElse(false)))
        .toList();
  }

  private static Container worker(Workloads w) {
    return w.pod().getContainers().stream()
        .filter(c -> Workloads.envVar(c, PORTS).isPresent())
        .findFirst()
        .orElseThrow(() -> new AssertionError(w.where() + " sets no " + PORTS));
  }

  private static int[] range(Workloads host) {
    String value = Workloads.env(worker(host), PORTS).orElseThrow();
    assertThat(value).as(host.where() + " " + PORTS).matches("\\d+-\\d+");
    String[] ends = value.split("-");
    return new int[] {Integer.parseInt(ends[0]), Integer.parseInt(ends[1])};
  }

  /** The ports that policies protecting {@code to} let in from {@code from}. */
  private static Set<String> ingress(Workloads from, Workloads to) {
    Set<String> ports = new TreeSet<>();
    for (NetworkPolicy policy : Manifests.all(NetworkPolicy.class)) {
      if (!to.selectedBy(policy.getSpec().getPodSelector())) {
        continue;
      }
      for (var rule : nullSafe(policy.getSpec().getIngress())) {
        if (rule.getFrom() == null || rule.getFrom().stream().anyMatch(p -> picks(p, from))) {
          ports.addAll(ports(rule.getPorts()));
        }
      }
    }
    return ports;
  }

  /** The ports that policies restricting {@code from} let out to {@code to}. */
  private static Set<String> egress(Workloads from, Workloads to) {
    Set<String> ports = new TreeSet<>();
    for (NetworkPolicy policy : Manifests.all(NetworkPolicy.class)) {
      if (!from.selectedBy(policy.getSpec().getPodSelector())) {
        continue;
      }
      for (var rule : nullSafe(policy.getSpec().getEgress())) {
        if (rule.getTo() == null || rule.getTo().stream().anyMatch(p -> picks(p, to))) {
          ports.addAll(ports(rule.getPorts()));
        }
      }
    }
    return ports;
  }

  /**
   * Whether a peer names these pods by their labels. Peers by address (the ipBlocks for outside the
   * cluster, which leave out the private ranges pods live in) and other namespaces do not.
   */
  private static boolean picks(NetworkPolicyPeer peer, Workloads w) {
    return peer.getIpBlock() == null
        && peer.getNamespaceSelector() == null
        && w.selectedBy(peer.getPodSelector());
  }

  private static List<String> ports(List<NetworkPolicyPort> ports) {
    if (ports == null || ports.isEmpty()) {
      return List.of("every port");
    }
    return ports.stream()
        .map(p -> (p.getProtocol() == null ? "TCP" : p.getProtocol()) + ":" + describe(p))
        .map(p -> p.startsWith("TCP:") ? p.substring(4) : p)
        .toList();
  }

  private static String describe(NetworkPolicyPort port) {
    return SelectorsTests.describe(port);
  }
}
