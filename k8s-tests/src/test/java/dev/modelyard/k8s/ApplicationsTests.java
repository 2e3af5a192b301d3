package dev.modelyard.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelyard.workflows.TaskQueues;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The API, the workers and Ollama as the issue describes them, with the images the build makes. */
class ApplicationsTests {

  static final String API_IMAGE = System.getProperty("modelyard.image.api");
  static final String WORKERS_IMAGE = System.getProperty("modelyard.image.workers");

  /** MODELYARD_WORKERS_POOLS value → the task queue it polls. */
  static final Map<String, String> SHARED_POOLS =
      Map.of(
          "pulls", TaskQueues.PULLS,
          "runtime", TaskQueues.RUNTIME,
          "health", TaskQueues.HEALTH,
          "maintenance", TaskQueues.MAINTENANCE);

  @Test
  void imagesOfTheApiAndWorkersAreTheOnesTheBuildMakes() {
    assertThat(API_IMAGE).as("set by the pom").isNotBlank();
    assertThat(containersOf("llm-api")).extracting(Container::getImage).containsOnly(API_IMAGE);
    List<Workloads> workers = workers();
    assertThat(workers).hasSize(5);
    assertThat(workers)
        .flatMap(Workloads::containers)
        .extracting(Container::getImage)
        .containsOnly(WORKERS_IMAGE);
  }

  @Test
  void everyOtherImageIsPinnedToAVersion() {
    assertThat(Workloads.all())
        .flatMap(Workloads::containers)
        .extracting(Container::getImage)
        .allSatisfy(
            image -> {
              String tag = image.substring(image.lastIndexOf(':') + 1);
              assertThat(image).contains(":");
              assertThat(tag).isNotIn("latest", "").matches("v?[0-9].*");
            });
  }

  @Test
  void everyModelyardPodMayTakeTenMinutesToStartForItsMigrations() {
    List<Container> modelyard =
        Workloads.all().stream()
            .flatMap(w -> w.containers().stream())
            .filter(c -> c.getImage().equals(API_IMAGE) || c.getImage().equals(WORKERS_IMAGE))
            .toList();

    assertThat(modelyard).hasSize(6);
    assertThat(modelyard)
        .allSatisfy(
            c ->
                assertThat(
                        c.getStartupProbe().getPeriodSeconds()
                            * c.getStartupProbe().getFailureThreshold())
                    .as(c.getName() + ": Flyway migrates at start, under a lock")
                    .isGreaterThanOrEqualTo(600));
  }

  @Test
  void theApiRunsAtLeastTwoReplicasUnderAnAutoscalerAndADisruptionBudget() {
    Deployment api = deployment("llm-api");
    HorizontalPodAutoscaler hpa = autoscalerOf("llm-api");
    assertThat(hpa.getSpec().getMinReplicas()).isGreaterThanOrEqualTo(2);
    assertThat(hpa.getSpec().getMaxReplicas()).isGreaterThan(hpa.getSpec().getMinReplicas());
    // The autoscaler owns the replicas: a manifest value would reset them on every deploy.
    assertThat(api.getSpec().getReplicas()).isNull();
    assertThat(Manifests.all(PodDisruptionBudget.class))
        .anySatisfy(
            pdb -> {
              assertThat(Workloads.named("llm-api").selectedBy(pdb.getSpec().getSelector()))
                  .isTrue();
              assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isPositive();
            });
  }

  @Test
  void theApiIsProbedOnActuatorHealthOnItsManagementPort() {
    Container api = containersOf("llm-api").getFirst();
    int management = Integer.parseInt(Workloads.env(api, "MANAGEMENT_SERVER_PORT").orElseThrow());
    assertThat(port(api, api.getLivenessProbe().getHttpGet())).isEqualTo(management);
    assertThat(port(api, api.getReadinessProbe().getHttpGet())).isEqualTo(management);
    assertThat(api.getLivenessProbe().getHttpGet().getPath())
        .isEqualTo("/actuator/health/liveness");
    assertThat(api.getReadinessProbe().getHttpGet().getPath())
        .isEqualTo("/actuator/health/readiness");
    assertThat(Workloads.env(api, "PORT")).contains("8000");
    assertThat(Workloads.named("llm-api").annotations())
        .containsEntry("prometheus.io/port", Integer.toString(management))
        .containsEntry("prometheus.io/path", "/actuator/prometheus");
  }

  @Test
  void eachSharedTaskQueueHasADeploymentPollingOnlyIt() throws Exception {
    List<String> declared =
        Arrays.stream(TaskQueues.class.getFields())
            .filter(f -> Modifier.isStatic(f.getModifiers()) && f.getType() == String.class)
            .map(ApplicationsTests::value)
            .toList();
    assertThat(SHARED_POOLS.values()).as("TaskQueues' shared queues").hasSameElementsAs(declared);

    Map<String, String> pools =
        workers().stream()
            .filter(w -> w.owner() instanceof Deployment)
            .collect(
                Collectors.toMap(
                    Workloads::name,
                    w ->
                        Workloads.env(w.pod().getContainers().getFirst(), "MODELYARD_WORKERS_POOLS")
                            .orElseThrow()));
    assertThat(pools.values()).hasSameElementsAs(SHARED_POOLS.keySet()).doesNotHaveDuplicates();
    pools.forEach(
        (name, pool) -> assertThat(autoscalerOf(name).getSpec().getMinReplicas()).isPositive());
  }

  @Test
  void queueAutoscalersScaleOnTheirOwnQueuesBacklog() {
    for (var pool : SHARED_POOLS.entrySet()) {
      var metric = autoscalerOf("workers-" + pool.getKey()).getSpec().getMetrics().getFirst();
      assertThat(metric.getExternal().getMetric().getName()).isEqualTo("llm_task_queue_backlog");
      assertThat(metric.getExternal().getMetric().getSelector().getMatchLabels())
          .containsEntry("queue", pool.getValue());
    }
  }

  @Test
  void theHostQueueRunsOnEveryGpuNodeNamedAfterIt() {
    Workloads host = Workloads.named("workers-host");
    assertThat(host.owner()).isInstanceOf(DaemonSet.class);
    Container c = host.pod().getContainers().getFirst();
    assertThat(Workloads.env(c, "MODELYARD_WORKERS_POOLS")).contains("host");
    EnvVar hostId =
        c.getEnv().stream()
            .filter(e -> e.getName().equals("MODELYARD_HOST_ID"))
            .findFirst()
            .orElseThrow();
    assertThat(hostId.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("spec.nodeName");
    assertThat(c.getResources().getLimits()).containsKey("nvidia.com/gpu");
    assertThat(host.pod().getNodeSelector()).containsKey("nvidia.com/gpu.present");
    // Registrations of local files are kept to a folder of the node's model store mount.
    assertThat(Workloads.env(c, "MODELYARD_MODELS_LOCAL_ROOTS"))
        .hasValueSatisfying(
            roots ->
                assertThat(roots).startsWith(Workloads.env(c, "MODELYARD_DATA_DIR").orElseThrow()));
  }

  @Test
  void maintenanceNamesItsDiscoveryReportsTheSameInEveryPod() {
    Container c = Workloads.named("workers-maintenance").pod().getContainers().getFirst();
    // Without it each pod reports under its own name, and Ollama's instances are recorded again.
    assertThat(Workloads.env(c, "MODELYARD_HOST_ID")).hasValue("maintenance");
  }

  @Test
  void workersServeTheirProbesOnTheManagementPortOfTheirProfile() throws Exception {
    JsonNode profile =
        Manifests.YAML.readTree(
            Manifests.repository()
                .resolve("workers/src/main/resources/application-worker.yaml")
                .toFile());
    int port = profile.path("server").path("port").asInt();
    assertThat(port).isPositive();
    assertThat(profile.at("/management/endpoints/web/exposure/include").asText())
        .contains("health")
        .contains("prometheus");
    for (Workloads w : workers()) {
      Container c = w.pod().getContainers().getFirst();
      assertThat(Workloads.env(c, "SPRING_PROFILES_ACTIVE")).as(w.where()).contains("worker");
      assertThat(port(c, c.getLivenessProbe().getHttpGet())).as(w.where()).isEqualTo(port);
      assertThat(port(c, c.getReadinessProbe().getHttpGet())).as(w.where()).isEqualTo(port);
      assertThat(w.annotations()).containsEntry("prometheus.io/port", Integer.toString(port));
    }
  }

  @Test
  void ollamaAndAHostWorkerShareAGpuNodeOnlyWhereItIsLabelledShared() {
    Workloads ollama = Workloads.named("ollama");
    Workloads host = Workloads.named("workers-host");
    Map<String, String> gpuNode = Map.of("nvidia.com/gpu.present", "true");
    Map<String, String> forOllama =
        Map.of("nvidia.com/gpu.present", "true", "modelyard.dev/gpu-for", "ollama");
    Map<String, String> shared =
        Map.of("nvidia.com/gpu.present", "true", "modelyard.dev/gpu-for", "shared");

    // Each claims a GPU: on a one-GPU node that both could take, one of them would stay Pending.
    assertThat(host.schedulableOn(gpuNode)).isTrue();
    assertThat(ollama.schedulableOn(gpuNode)).isFalse();
    assertThat(ollama.schedulableOn(forOllama)).isTrue();
    assertThat(host.schedulableOn(forOllama)).isFalse();
    assertThat(ollama.schedulableOn(shared)).isTrue();
    assertThat(host.schedulableOn(shared)).isTrue();
    assertThat(host.schedulableOn(Map.of())).as("a node without a GPU").isFalse();
  }

  @Test
  void ollamaRunsOnAGpuWithItsModelsOnAVolume() {
    StatefulSet ollama = (StatefulSet) Workloads.named("ollama").owner();
    Container c = ollama.getSpec().getTemplate().getSpec().getContainers().getFirst();
    assertThat(c.getResources().getLimits()).containsKey("nvidia.com/gpu");
    String claim = ollama.getSpec().getVolumeClaimTemplates().getFirst().getMetadata().getName();
    String models = Workloads.env(c, "OLLAMA_MODELS").orElseThrow();
    assertThat(c.getVolumeMounts())
        .anySatisfy(
            m -> {
              assertThat(m.getName()).isEqualTo(claim);
              assertThat(m.getMountPath()).isEqualTo(models);
            });
  }

  @Test
  void everyAppPointsAtTheServicesThatExist() {
    for (Workloads w : Workloads.all()) {
      for (Container c : w.containers()) {
        Workloads.env(c, "TEMPORAL_ADDRESS")
            .ifPresent(a -> assertThat(a).isEqualTo("temporal-frontend:7233"));
        Workloads.env(c, "OLLAMA_HOST")
            .filter(h -> h.startsWith("http"))
            .ifPresent(h -> assertThat(h).isEqualTo("http://ollama:11434"));
        Workloads.env(c, "REDIS_URL").ifPresent(r -> assertThat(r).isEqualTo("redis://redis:6379"));
      }
    }
    assertThat(SelectorsTests.serviceNames())
        .contains("temporal-frontend", "ollama", "redis", "postgres");
  }

  static List<Workloads> workers() {
    return Workloads.all().stream()
        .filter(w -> "worker".equals(w.labels().get("app.kubernetes.io/component")))
        .toList();
  }

  static List<Container> containersOf(String workload) {
    return Workloads.named(workload).pod().getContainers();
  }

  @Test
  void postgresAcceptsEveryPoolWithEveryAutoscalerAtItsMaximum() {
    // DatabaseAutoConfiguration's pool per Modelyard pod; a host worker on each GPU node the
    // quota allows besides Ollama's.
    int perPod = 10;
    int gpuNodes = Math.toIntExact(Workloads.gpuHostWorkers());
    int pods =
        Manifests.all(HorizontalPodAutoscaler.class).stream()
                .mapToInt(h -> h.getSpec().getMaxReplicas())
                .sum()
            + gpuNodes;
    Container temporal = containersOf("temporal").getFirst();
    int temporalConnections =
        Integer.parseInt(Workloads.env(temporal, "SQL_MAX_CONNS").orElseThrow())
            * 4
            * 2
            * deployment("temporal").getSpec().getReplicas();
    List<String> args = containersOf("postgres").getFirst().getArgs();
    int maxConnections =
        Integer.parseInt(args.get(args.indexOf("-c") + 1).substring("max_connections=".length()));

    assertThat(maxConnections).isGreaterThanOrEqualTo(pods * perPod + temporalConnections);
  }

  @Test
  void theTemporalUiIsNotGivenServiceLinksThatNameItsPort() {
    // The temporal-ui Service would set TEMPORAL_UI_PORT=tcp://…, which the UI reads as its port.
    assertThat(Workloads.named("temporal-ui").pod().getEnableServiceLinks()).isFalse();
  }

  @Test
  void theApisGracePeriodCoversItsWholeStop() {
    // preStop 5 s, Spring's shutdown phase 30 s, the audit queue's close wait 30 s, the cost
    // ledger's 10 s.
    assertThat(deployment("llm-api").getSpec().getTemplate().getSpec())
        .satisfies(
            pod -> assertThat(pod.getTerminationGracePeriodSeconds()).isGreaterThanOrEqualTo(75));
  }

  @Test
  void hostWorkersRollOutOneNodeAtATimeWithTimeForItsInstancesToComeBack() {
    DaemonSet host = (DaemonSet) Workloads.named("workers-host").owner();
    assertThat(host.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable())
        .isEqualTo(new IntOrString(1));
    assertThat(host.getSpec().getMinReadySeconds()).isGreaterThanOrEqualTo(60);
  }

  @Test
  void hostWorkersLeaveMostOfTheirMemoryToTheModelsOutsideTheHeap() {
    Container worker = containersOf("workers-host").getFirst();
    String options = Workloads.env(worker, "JAVA_TOOL_OPTIONS").orElseThrow();
    long heapGib = Long.parseLong(options.replaceAll(".*-Xmx(\\d+)g.*", "$1"));
    long limitGib =
        worker.getResources().getLimits().get("memory").getNumericalAmount().longValue() >> 30;

    assertThat(heapGib).isPositive().isLessThanOrEqualTo(limitGib / 4);
  }

  static Deployment deployment(String name) {
    return (Deployment) Workloads.named(name).owner();
  }

  static HorizontalPodAutoscaler autoscalerOf(String deployment) {
    return Manifests.all(HorizontalPodAutoscaler.class).stream()
        .filter(h -> h.getSpec().getScaleTargetRef().getName().equals(deployment))
        .filter(h -> h.getSpec().getScaleTargetRef().getKind().equals("Deployment"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no autoscaler for " + deployment));
  }

  /** A probe's port as a number, a named one looked up among the container's ports. */
  static int port(Container c, HTTPGetAction action) {
    IntOrString port = action.getPort();
    if (port.getIntVal() != null) {
      return port.getIntVal();
    }
    return c.getPorts().stream()
        .filter(p -> port.getStrVal().equals(p.getName()))
        .findFirst()
        .orElseThrow(() -> new AssertionError(c.getName() + " has no port " + port.getStrVal()))
        .getContainerPort();
  }

  private static String value(Field field) {
    try {
      return (String) field.get(null);
    } catch (IllegalAccessException e) {
      throw new AssertionError(e);
    }
  }
}
