package dev.modelyard.workers.deployments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelyard.infra.providers.openai.OpenAiCompatibleClient;
import dev.modelyard.infra.runtime.InProcessEngineRuntime;
import dev.modelyard.infra.runtime.InstanceSpec;
import dev.modelyard.infra.runtime.ModelRuntime;
import dev.modelyard.testing.TestServices;
import dev.modelyard.workflows.deployments.InstanceHostActivities;
import dev.modelyard.workflows.deployments.ResourceRequirements;
import dev.modelyard.workflows.deployments.StartInstance;
import dev.modelyard.workflows.deployments.StartedInstance;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Starting an instance that takes longer than the heartbeat timeout: the tiny model in the real
 * in-process engine, on a host made slow after the start (as an image pull or a large model's load
 * makes a real one), so that the start outlasts a heartbeat timeout of one second.
 */
class InstanceStartHeartbeatTests {

  private static final Duration SLOW = Duration.ofSeconds(3);

  private final InProcessEngineRuntime engine = new InProcessEngineRuntime();
  private final List<String> heartbeats = new CopyOnWriteArrayList<>();
  private TestActivityEnvironment env;

  @AfterEach
  void stop() {
    if (env != null) {
      env.close();
    }
    engine.close();
  }

  @Test
  void aStartLongerThanTheHeartbeatTimeoutHeartbeatsUntilItIsReady() {
    StartedInstance started = activities().startInstance(request("slow-start-1"));

    assertThat(heartbeats).hasSizeGreaterThanOrEqualTo(3);
    assertThat(engine.endpoint("slow-start-1")).hasValue(URI.create(started.endpoint()));
  }

  @Test
  void aStopThatFindsNothingYetStopsWhatTheStartUnderWayStartsOnceItEnds() throws Exception {
    InstanceHostActivitiesImpl host = newHost(new SlowHost(engine, true));
    InstanceHostActivities starting = activities(host);
    CompletableFuture<StartedInstance> start =
        CompletableFuture.supplyAsync(() -> starting.startInstance(request("stopped-early")));
    Thread.sleep(500); // the start is pulling its image: nothing runs yet

    // An unload, say: its stop finds nothing to stop, and the start is not cancelled.
    activities(host).stopInstance("stopped-early");
    assertThat(engine.endpoint("stopped-early")).isEmpty();

    start.get(30, TimeUnit.SECONDS);
    await(() -> engine.endpoint("stopped-early").isEmpty(), Duration.ofSeconds(10));
  }

  @Test
  void aStopLongerThanTheHeartbeatTimeoutHeartbeatsUntilItIsDone() {
    InstanceHostActivities host = activities();
    host.startInstance(request("slow-stop-1"));
    heartbeats.clear();

    host.stopInstance("slow-stop-1");

    assertThat(heartbeats).hasSizeGreaterThanOrEqualTo(3).contains("stopping");
    assertThat(engine.endpoint("slow-stop-1")).isEmpty();
  }

  @Test
  void aStartCancelledWhileUnderWayStopsWhatItStartedOnceItEnds() throws Exception {
    InstanceHostActivities host = activities();
    CompletableFuture<StartedInstance> start =
        CompletableFuture.supplyAsync(() -> host.startInstance(request("slow-start-2")));
    await(() -> engine.endpoint("slow-start-2").isPresent(), Duration.ofSeconds(10));

    env.requestCancelActivity();

    assertThatThrownBy(() -> start.get(10, TimeUnit.SECONDS))
        .rootCause()
        .isInstanceOf(CanceledFailure.class);
    // Still "starting" when the cancellation came: stopped once the start ended.
    await(() -> engine.endpoint("slow-start-2").isEmpty(), SLOW.plusSeconds(10));
  }

  @Test
  void anAttemptTimedOutWhileItsRetryRunsLeavesTheRetrysInstanceRunning() throws Exception {
    InstanceHostActivitiesImpl host = newHost();
    InstanceHostActivities firstAttempt = activities(host);
    CompletableFuture<StartedInstance> first =
        CompletableFuture.supplyAsync(() -> firstAttempt.startInstance(request("retried-1")));
    await(() -> engine.endpoint("retried-1").isPresent(), Duration.ofSeconds(10));

    // Temporal gave up on the first attempt (it learns so at its next heartbeat) and runs the
    // retry, with the same instance ID, on the same host.
    TestActivityEnvironment firstEnv = env;
    firstEnv.requestCancelActivity();
    InstanceHostActivities retry = activities(host);
    StartedInstance retried = retry.startInstance(request("retried-1"));

    assertThatThrownBy(() -> first.get(10, TimeUnit.SECONDS))
        .rootCause()
        .isInstanceOf(CanceledFailure.class);
    firstEnv.close();
    assertThat(engine.endpoint("retried-1")).hasValue(URI.create(retried.endpoint()));

    retry.stopInstance("retried-1");
    assertThat(engine.endpoint("retried-1")).isEmpty();
  }

  private InstanceHostActivitiesImpl newHost() {
    return newHost(new SlowHost(engine));
  }

  private InstanceHostActivitiesImpl newHost(SlowHost host) {
    return new InstanceHostActivitiesImpl(
        host, new OpenAiCompatibleClient(Duration.ofSeconds(2), Duration.ofSeconds(60)));
  }

  private InstanceHostActivities activities() {
    return activities(newHost());
  }

  private InstanceHostActivities activities(InstanceHostActivitiesImpl host) {
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(host);
    env.setActivityHeartbeatListener(String.class, heartbeats::add);
    return env.newActivityStub(
        InstanceHostActivities.class,
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofMinutes(1))
            .setHeartbeatTimeout(Duration.ofSeconds(1))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
            .build());
  }

  private static StartInstance request(String instanceId) {
    return new StartInstance(
        instanceId,
        "tiny",
        TestServices.tinyModel().toString(),
        new ResourceRequirements(512, 2, 1));
  }

  private static void await(java.util.function.BooleanSupplier condition, Duration within)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("within %s", within).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  /** The real runtime, whose starts then take {@link #SLOW} longer, whatever interrupts them. */
  private record SlowHost(ModelRuntime runtime, boolean slowBeforeItRuns) implements ModelRuntime {

    SlowHost(ModelRuntime runtime) {
      this(runtime, false);
    }

    /**
     * Slow after the instance runs (a model loading), or before (an image pulling), when nothing is
     * there yet for a stop to find.
     */
    @Override
    public URI start(InstanceSpec spec) {
      if (slowBeforeItRuns) {
        pauseUninterruptibly(SLOW);
        return runtime.start(spec);
      }
      URI endpoint = runtime.start(spec);
      pauseUninterruptibly(SLOW);
      return endpoint;
    }

    /** As a call blocked in something that ignores interrupts. */
    private static void pauseUninterruptibly(Duration pause) {
      long until = System.nanoTime() + pause.toNanos();
      boolean interrupted = false;
      for (long left = pause.toNanos(); left > 0; left = until - System.nanoTime()) {
        try {
          TimeUnit.NANOSECONDS.sleep(left);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void stop(String instanceId) {
      // As slow to stop: a container's grace period, a generation finishing.
      if (!slowBeforeItRuns) {
        pauseUninterruptibly(SLOW);
      }
      runtime.stop(instanceId);
    }

    @Override
    public Optional<URI> endpoint(String instanceId) {
      return runtime.endpoint(instanceId);
    }

    @Override
    public void close() {
      runtime.close();
    }
  }
}
