package dev.modelyard.api.gateway;

import dev.modelyard.infra.postgres.DeploymentIdentity;
import dev.modelyard.infra.redis.LuaScripts;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The holds of cloud calls under way ({@link CostAccounting#permitCloud}), kept in Redis, where
 * every API replica of the deployment checks and adds them in one step ({@code cost-holds.lua}):
 * with each replica counting only its own, N replicas could together start N times what
 * MONTHLY_COST_LIMIT or a key's budget allowed. A call's recorded cost is shared the same way for a
 * few seconds ({@link #recorded}), until every replica reads it from the cost table. Amounts are
 * whole micro-dollars, held rounded up. When Redis does not answer within {@link #TIMEOUT}, or its
 * breaker is open, {@link #tryHold} answers empty and the replica falls back to its own holds.
 */
final class SharedCostHolds {

  private static final Logger log = LoggerFactory.getLogger(SharedCostHolds.class);

  static final Duration TIMEOUT = Duration.ofMillis(500);

  /**
   * How long a recorded cost stays shared: the cost ledger's refresh (5 s), its writer's linger and
   * a margin, after which every replica reads it from the cost table.
   */
  static final Duration RECORDED_LAPSE = Duration.ofSeconds(8);

  static final String KEY_PREFIX = "modelyard:costs:holds:";
  private static final String SCRIPT = LuaScripts.read(SharedCostHolds.class, "cost-holds.lua");
  private static final long NONE = -1;

  private final RScript script;
  private final RedissonClient redis;
  private final String key;
  private final CircuitBreaker breaker =
      RedisBreaker.of(
          "redis-cost-holds",
          RedisBreaker.config()
              // Every cloud call waits for its hold: a slow Redis counts as a failing one.
              .slowCallDurationThreshold(Duration.ofMillis(200))
              .slowCallRateThreshold(50)
              .build(),
          log,
          "Redis does not answer: cloud calls are held against the cost limits per replica until"
              + " it does",
          "Redis answers again: cloud calls are held across replicas");

  SharedCostHolds(RedissonClient redis, DeploymentIdentity deployment) {
    this.redis = redis;
    this.script = redis.getScript(StringCodec.INSTANCE);
    this.key = KEY_PREFIX + deployment.id();
  }

  /** What Redis decided for one cloud call. */
  sealed interface Outcome {

    /** Held; {@code id} lets go of it. */
    record Held(String id) implements Outcome {}

    /** The limit is reached, counting every replica's holds: {@code held} dollars of them. */
    record OverLimit(BigDecimal held) implements Outcome {}

    /** The caller's budget is reached, counting its holds on every replica. */
    record OverBudget(BigDecimal held) implements Outcome {}
  }

  /**
   * Holds {@code cost} for {@code caller} unless the recorded spend and every replica's holds
   * already reach {@code limit} or the caller's {@code budget} (either null: none); empty when
   * Redis cannot answer now.
   */
  Optional<Outcome> tryHold(
      String caller,
      BigDecimal cost,
      Duration lapse,
      BigDecimal recorded,
      BigDecimal limit,
      BigDecimal recordedByCaller,
      BigDecimal budget) {
    if (!breaker.tryAcquirePermission()) {
      return Optional.empty();
    }
    String id = UUID.randomUUID().toString();
    long started = System.nanoTime();
    CompletableFuture<List<Object>> answered =
        eval(id, caller, cost, lapse, recorded, limit, recordedByCaller, budget);
    List<Object> answer;
    try {
      answer = answered.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      breaker.onSuccess(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      breaker.releasePermission();
      Thread.currentThread().interrupt();
      releaseWhenAnswered(answered, id);
      return Optional.empty();
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      breaker.onError(System.nanoTime() - started, TimeUnit.NANOSECONDS, e);
      log.debug("cost holds in Redis failed", e);
      // Redis may still run the script after we stopped waiting: that hold is nobody's.
      releaseWhenAnswered(answered, id);
      return Optional.empty();
    }
    long code = Long.parseLong(String.valueOf(answer.get(0)));
    BigDecimal held = BigDecimal.valueOf(Long.parseLong(String.valueOf(answer.get(1))), 6);
    return Optional.of(
        switch ((int) code) {
          case 0 -> new Outcome.Held(id);
          case 1 -> new Outcome.OverLimit(held);
          default -> new Outcome.OverBudget(held);
        });
  }

  /**
   * Counts a cloud call's recorded cost on every replica for {@link #RECORDED_LAPSE}: the others
   * read it from the cost table only at their next refresh, and until then the call, whose hold has
   * gone, would be counted by none of them. Not waited for; lost, it leaves that gap open.
   */
  void recorded(String caller, BigDecimal cost) {
    if (breaker.getState() == CircuitBreaker.State.OPEN) {
      return;
    }
    eval(
            UUID.randomUUID().toString(),
            caller,
            cost,
            RECORDED_LAPSE,
            BigDecimal.ZERO,
            null,
            BigDecimal.ZERO,
            null)
        .whenComplete(
            (answer, failure) -> {
              if (failure != null) {
                log.debug("a recorded cloud cost was not shared through Redis", failure);
              }
            });
  }

  /** Lets go of a hold; one that cannot be reached now lapses on its own. */
  void release(String id) {
    try {
      redis
          .getMap(key, StringCodec.INSTANCE)
          .fastRemoveAsync(id)
          .whenComplete(
              (removed, failure) -> {
                if (failure != null) {
                  log.debug("a cost hold in Redis was not let go; it lapses", failure);
                }
              });
    } catch (RuntimeException e) {
      // Called as the answer is returned: never let it cost the caller an answer already paid for.
      log.debug("a cost hold in Redis was not let go; it lapses", e);
    }
  }

  private void releaseWhenAnswered(CompletableFuture<List<Object>> answered, String id) {
    answered.whenComplete(
        (answer, failure) -> {
          if (failure == null) {
            release(id);
          }
        });
  }

  private CompletableFuture<List<Object>> eval(
      String id,
      String caller,
      BigDecimal cost,
      Duration lapse,
      BigDecimal recorded,
      BigDecimal limit,
      BigDecimal recordedByCaller,
      BigDecimal budget) {
    return script
        .<List<Object>>evalAsync(
            RScript.Mode.READ_WRITE,
            SCRIPT,
            RScript.ReturnType.LIST,
            List.of(key),
            id,
            caller == null ? "" : caller,
            Long.toString(micros(cost, RoundingMode.CEILING)),
            Long.toString(lapse.toMillis()),
            Long.toString(micros(recorded, RoundingMode.CEILING)),
            Long.toString(limit == null ? NONE : micros(limit, RoundingMode.FLOOR)),
            Long.toString(micros(recordedByCaller, RoundingMode.CEILING)),
            Long.toString(budget == null ? NONE : micros(budget, RoundingMode.FLOOR)))
        .toCompletableFuture();
  }

  private static long micros(BigDecimal dollars, RoundingMode rounding) {
    return dollars.movePointRight(6).setScale(0, rounding).longValueExact();
  }
}
