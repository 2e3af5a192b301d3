package dev.modelyard.infra.registry;

import dev.modelyard.infra.runtime.ModelServer;
import dev.modelyard.workflows.WorkflowIds;
import dev.modelyard.workflows.deployments.InstanceView;
import dev.modelyard.workflows.deployments.NewInstance;
import dev.modelyard.workflows.deployments.StartedInstance;
import dev.modelyard.workflows.models.ModelFileFacts;
import dev.modelyard.workflows.models.ModelRef;
import dev.modelyard.workflows.models.RegisterModel;
import dev.modelyard.workflows.models.RegisteredModel;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Transactional;

/** The model registry in PostgreSQL: hosts, models and their instances. */
public class ModelRegistry {

  /** How often a host's worker says it is alive. */
  public static final Duration HOST_TOUCH_INTERVAL = Duration.ofSeconds(30);

  /** A host silent for longer is taken as gone (six touches missed). */
  public static final Duration HOST_SILENCE = Duration.ofMinutes(3);

  static final String LIVE_HOSTS =
      """
      select host_id from hosts where last_seen > now() - make_interval(secs => :silence)
      order by host_id
      """;

  /** Notified by migration V5's triggers on any change to instances or a model's routing. */
  public static final String ROUTING_CHANNEL = "modelyard_routing";

  /** A model's row, every column a named parameter; the conflict clause is the caller's. */
  static final String INSERT_MODEL =
      """
      insert into models (provider, name, host_id, location, format, architecture,
          parameter_count, quantisation, context_length, size_bytes, sha256)
      values (:provider, :name, :hostId, :location, :format, :architecture,
          :parameterCount, :quantisation, :contextLength, :sizeBytes, :sha256)
      """;

  /**
   * Inserts a model or updates every fact of the one with its provider and name; shared with
   * discovery ({@link MaintenanceRegistry}), which binds the same parameters.
   */
  static final String UPSERT_MODEL =
      INSERT_MODEL
          + """
      on conflict (provider, name) do update set
          host_id = excluded.host_id, location = excluded.location,
          format = excluded.format, architecture = excluded.architecture,
          parameter_count = excluded.parameter_count,
          quantisation = excluded.quantisation,
          context_length = excluded.context_length, size_bytes = excluded.size_bytes,
          sha256 = excluded.sha256, updated_at = now()
      """;

  private final JdbcClient jdbc;

  public ModelRegistry(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  public void recordHost(String hostId, String taskQueue) {
    recordHost(hostId, taskQueue, null);
  }

  /**
   * Records a host polling its queue, with what its model runtime runs; null leaves that unknown,
   * {@link #modelServers} empty and {@link #runsContainers} empty.
   */
  public void recordHost(String hostId, String taskQueue, HostRuntime runtime) {
    jdbc.sql(
            """
            insert into hosts (host_id, task_queue, model_servers, runs_containers)
            values (:hostId, :taskQueue, :modelServers, :runsContainers)
            on conflict (host_id) do update set task_queue = excluded.task_queue,
                model_servers = excluded.model_servers,
                runs_containers = excluded.runs_containers, last_seen = now()
            """)
        .param("hostId", hostId)
        .param("taskQueue", taskQueue)
        .param(
            "modelServers",
            runtime == null
                ? null
                : runtime.modelServers().stream()
                    .map(ModelServer::name)
                    .sorted()
                    .toArray(String[]::new))
        .param("runsContainers", runtime == null ? null : runtime.runsContainers(), Types.BOOLEAN)
        .update();
  }

  /**
   * The servers the host's runtime runs, as its worker last said; empty when unknown (no such host,
   * or its worker predates the record). Every runtime runs the engine runner, so a known set is
   * never empty.
   */
  public Set<ModelServer> modelServers(String hostId) {
    Set<ModelServer> servers = EnumSet.noneOf(ModelServer.class);
    jdbc.sql("select unnest(model_servers) from hosts where host_id = :hostId")
        .param("hostId", hostId)
        .query(String.class)
        .list()
        .forEach(name -> servers.add(ModelServer.valueOf(name)));
    return servers;
  }

  /**
   * Whether the host's runtime runs instances in containers, as its worker last said; empty when
   * unknown (no such host, or its worker predates the record).
   */
  public Optional<Boolean> runsContainers(String hostId) {
    return jdbc.sql(
            "select runs_containers from hosts where host_id = :hostId and runs_containers is not"
                + " null")
        .param("hostId", hostId)
        .query(Boolean.class)
        .optional();
  }

  /** The most recently seen host, until placement (by free memory) replaces this choice. */
  public Optional<String> mostRecentHost() {
    return jdbc.sql("select host_id from hosts order by last_seen desc limit 1")
        .query(String.class)
        .optional();
  }

  public RegisteredModel registerModel(RegisterModel request) {
    ModelFileFacts file = request.file();
    String modelId =
        jdbc.sql(
                UPSERT_MODEL
                    + """
                returning model_id
                """)
            .param("provider", request.model().provider().wireName())
            .param("name", request.model().name())
            .param("hostId", request.hostId())
            .param("location", file.path())
            .param("format", file.format())
            .param("architecture", file.architecture())
            .param("parameterCount", file.parameterCount())
            .param("quantisation", file.quantisation())
            .param("contextLength", file.contextLength())
            .param("sizeBytes", file.sizeBytes())
            .param("sha256", file.sha256())
            .query(String.class)
            .single();
    return new RegisteredModel(modelId, request.model(), file.path(), request.hostId());
  }

  /**
   * The name of another model of the same provider whose tasks and deployment would have this one's
   * IDs, if one is registered: workflow IDs ignore case. Compared as the IDs are made (Java's lower
   * case), not by PostgreSQL's {@code lower()}, which follows the database's locale (under {@code
   * C} it lowers ASCII only) and other rules (a final sigma).
   */
  public Optional<String> nameSharingTaskIds(ModelRef model) {
    String ids = WorkflowIds.deployment(model);
    return jdbc
        .sql("select name from models where provider = :provider and name <> :name order by name")
        .param("provider", model.provider().wireName())
        .param("name", model.name())
        .query(String.class)
        .list()
        .stream()
        .filter(other -> WorkflowIds.deployment(new ModelRef(model.provider(), other)).equals(ids))
        .findFirst();
  }

  public Optional<RegisteredModel> findModel(ModelRef model) {
    return jdbc.sql(
            "select model_id, location, host_id from models where provider = :provider and name = :name")
        .param("provider", model.provider().wireName())
        .param("name", model.name())
        .query(
            (rs, n) ->
                new RegisteredModel(
                    rs.getString("model_id"),
                    model,
                    rs.getString("location"),
                    rs.getString("host_id")))
        .optional();
  }

  @Transactional(readOnly = true)
  public List<ModelListing> listModels() {
    Map<String, List<InstanceListing>> instances =
        jdbc
            .sql(
                """
                select * from model_instances where state not in ('stopped', 'failed')
                order by started_at
                """)
            .query(ModelRegistry::instance)
            .list()
            .stream()
            .collect(Collectors.groupingBy(InstanceListing::modelId));
    return jdbc.sql("select * from models order by provider, name")
        .query((rs, n) -> model(rs, instances.getOrDefault(rs.getString("model_id"), List.of())))
        .list();
  }

  public void recordStarting(NewInstance instance) {
    jdbc.sql(
            """
            insert into model_instances (instance_id, model_id, host_id, state,
                context_length, cpu_threads, parallel_slots, memory_bytes, gpu_device_ids,
                deployment)
            values (:instanceId, :modelId, :hostId, 'starting',
                :contextLength, :cpuThreads, :parallelSlots, :memoryBytes, :gpuDeviceIds,
                :deployment)
            on conflict (instance_id) do nothing
            """)
        .param("instanceId", instance.instanceId())
        .param("modelId", instance.modelId())
        .param("hostId", instance.hostId())
        .param("contextLength", instance.resources().contextLength())
        .param("cpuThreads", instance.resources().cpuThreads())
        .param("parallelSlots", instance.resources().parallelSlots())
        .param("memoryBytes", instance.resources().memoryBytes())
        .param("gpuDeviceIds", instance.resources().gpuDeviceIds().toArray(String[]::new))
        .param("deployment", instance.deployment())
        .update();
  }

  public void recordReady(StartedInstance instance) {
    markReady(instance, "");
  }

  /**
   * Marks an instance ready only if it is still starting: an unload or a scale-down that ran while
   * it started has marked it stopping or stopped, and must not see it come back. False then. True
   * when it is already ready at this endpoint: the retry of a call whose answer was lost.
   */
  public boolean recordReadyIfStarting(StartedInstance instance) {
    return markReady(instance, " and state = 'starting'") == 1
        || ReadyAt.endpoint(jdbc, instance.instanceId(), instance.endpoint());
  }

  private int markReady(StartedInstance instance, String condition) {
    return jdbc.sql(
            """
            update model_instances set state = 'ready', endpoint = :endpoint, health_score = 100,
                failure_reason = null, updated_at = now()
            where instance_id = :instanceId"""
                + condition)
        .param("instanceId", instance.instanceId())
        .param("endpoint", instance.endpoint())
        .update();
  }

  public void recordFailed(String instanceId, String reason) {
    jdbc.sql(
            """
            update model_instances set state = 'failed', failure_reason = :reason, health_score = 0,
                updated_at = now()
            where instance_id = :instanceId
            """)
        .param("instanceId", instanceId)
        .param("reason", reason)
        .update();
  }

  public List<InstanceView> findActiveInstances(String modelId) {
    return jdbc.sql(
            """
            select instance_id, model_id, host_id, endpoint from model_instances
            where model_id = :modelId and state in ('starting', 'ready', 'unhealthy')
            order by started_at
            """)
        .param("modelId", modelId)
        .query(ModelRegistry::instanceView)
        .list();
  }

  /**
   * The instances on {@code hostId} that should have something running there: starting, ready or
   * unhealthy. A restarted worker adopts what it finds of these and nothing else.
   */
  public Set<String> activeInstanceIdsOnHost(String hostId) {
    return new HashSet<>(
        jdbc.sql(
                """
                select instance_id from model_instances
                where host_id = :hostId and state in ('starting', 'ready', 'unhealthy')
                """)
            .param("hostId", hostId)
            .query(String.class)
            .list());
  }

  /**
   * The hosts whose workers said they were alive within {@link #HOST_SILENCE}: a host gone for good
   * (a node replaced, a machine retired) keeps its row, but is no longer asked for its containers,
   * files or models.
   */
  public List<String> hostIds() {
    return hostIdsSeenWithin(HOST_SILENCE);
  }

  /** The hosts whose workers said they were alive within {@code within}, by ID. */
  public List<String> hostIdsSeenWithin(Duration within) {
    return jdbc.sql(LIVE_HOSTS).param("silence", within.toSeconds()).query(String.class).list();
  }

  /** A host's worker is alive: it calls this every {@link #HOST_TOUCH_INTERVAL}. */
  public void touchHost(String hostId) {
    jdbc.sql("update hosts set last_seen = now() where host_id = :hostId")
        .param("hostId", hostId)
        .update();
  }

  public void recordStopping(String instanceId) {
    setState(instanceId, "stopping");
  }

  public void recordStopped(String instanceId) {
    setState(instanceId, "stopped");
  }

  /**
   * Marks the instance stopping if it has gone unused for {@code idleTtl} by the database's clock,
   * in one statement: the row's lock orders it with the gateway's marking of use ({@code
   * LoadSamples}), which no longer touches it once it is stopping. True also for an instance
   * already stopping (a retry of a call that committed).
   */
  public boolean recordStoppingIfIdle(String instanceId, Duration idleTtl) {
    return jdbc.sql(
                """
                update model_instances set state = 'stopping', updated_at = now()
                where instance_id = :id
                  and (state = 'stopping'
                       or (state in ('ready', 'unhealthy')
                           and coalesce(last_used_at, started_at)
                               < now() - make_interval(secs => :idleSeconds)))
                """)
            .param("id", instanceId)
            .param("idleSeconds", idleTtl.toMillis() / 1000.0)
            .update()
        == 1;
  }

  private void setState(String instanceId, String state) {
    jdbc.sql(
            "update model_instances set state = :state, updated_at = now() where instance_id = :id")
        .param("state", state)
        .param("id", instanceId)
        .update();
  }

  public Optional<InstanceView> findReadyInstance(String modelId) {
    return jdbc.sql(
            """
            select instance_id, model_id, host_id, endpoint from model_instances
            where model_id = :modelId and state = 'ready' order by started_at limit 1
            """)
        .param("modelId", modelId)
        .query(ModelRegistry::instanceView)
        .optional();
  }

  /** Every instance the gateway may send requests to. */
  public List<RoutableInstance> routableInstances() {
    return jdbc.sql(
            """
            select i.instance_id, m.provider, m.name, m.sha256, i.endpoint, i.health_score,
                i.routing_weight, m.routing_strategy, coalesce(i.context_length, m.context_length)
                    as context_length
            from model_instances i join models m using (model_id)
            where i.state in ('ready', 'unhealthy') and i.endpoint is not null
            order by i.started_at, i.instance_id
            """)
        .query(
            (rs, n) ->
                new RoutableInstance(
                    rs.getString("instance_id"),
                    rs.getString("provider"),
                    rs.getString("name"),
                    rs.getString("sha256"),
                    rs.getString("endpoint"),
                    rs.getInt("health_score"),
                    rs.getInt("routing_weight"),
                    rs.getString("routing_strategy"),
                    rs.getObject("context_length", Integer.class)))
        .list();
  }

  /**
   * Sets how the gateway spreads a model's requests ({@code null}: the default); false if there is
   * no such model.
   */
  private boolean setRoutingStrategy(ModelRef model, String strategy) {
    return jdbc.sql(
                "update models set routing_strategy = :strategy, updated_at = now()"
                    + " where provider = :provider and name = :name")
            .param("strategy", strategy)
            .param("provider", model.provider().wireName())
            .param("name", model.name())
            .update()
        == 1;
  }

  /**
   * Sets a model's strategy ({@code null}: the default) and its instances' weights in one
   * transaction: when the model or one of the instances is not there, nothing changes and {@link
   * MissingRoutingTarget} says which.
   */
  @Transactional
  public void configureRouting(ModelRef model, String strategy, Map<String, Integer> weights) {
    if (!setRoutingStrategy(model, strategy)) {
      throw new MissingRoutingTarget(null);
    }
    weights.forEach(
        (instanceId, weight) -> {
          if (!setRoutingWeight(model, instanceId, weight)) {
            throw new MissingRoutingTarget(instanceId);
          }
        });
  }

  /** What {@link #configureRouting} did not find: an instance, or (null) the model itself. */
  public static final class MissingRoutingTarget extends RuntimeException {

    private final String instanceId;

    MissingRoutingTarget(String instanceId) {
      super(instanceId == null ? "no such model" : "no instance " + instanceId + " of the model");
      this.instanceId = instanceId;
    }

    public String instanceId() {
      return instanceId;
    }
  }

  /** Sets an instance's share under the weighted strategy; false if it is not the model's. */
  private boolean setRoutingWeight(ModelRef model, String instanceId, int weight) {
    return jdbc.sql(
                """
                update model_instances i set routing_weight = :weight, updated_at = now()
                from models m
                where i.model_id = m.model_id and i.instance_id = :instanceId
                    and m.provider = :provider and m.name = :name
                """)
            .param("weight", weight)
            .param("instanceId", instanceId)
            .param("provider", model.provider().wireName())
            .param("name", model.name())
            .update()
        == 1;
  }

  private static InstanceView instanceView(ResultSet rs, int row) throws SQLException {
    return new InstanceView(
        rs.getString("instance_id"),
        rs.getString("model_id"),
        rs.getString("host_id"),
        rs.getString("endpoint"));
  }

  private static InstanceListing instance(ResultSet rs, int row) throws SQLException {
    return new InstanceListing(
        rs.getString("instance_id"),
        rs.getString("model_id"),
        rs.getString("host_id"),
        rs.getString("endpoint"),
        rs.getString("state"),
        rs.getInt("health_score"),
        rs.getString("failure_reason"),
        rs.getTimestamp("started_at").toInstant());
  }

  private static ModelListing model(ResultSet rs, List<InstanceListing> instances)
      throws SQLException {
    return new ModelListing(
        rs.getString("model_id"),
        rs.getString("provider"),
        rs.getString("name"),
        rs.getString("host_id"),
        rs.getString("location"),
        rs.getString("format"),
        rs.getString("architecture"),
        rs.getObject("parameter_count", Long.class),
        rs.getString("quantisation"),
        rs.getObject("context_length", Integer.class),
        rs.getObject("size_bytes", Long.class),
        rs.getString("sha256"),
        rs.getTimestamp("created_at").toInstant(),
        new ArrayList<>(instances));
  }
}
