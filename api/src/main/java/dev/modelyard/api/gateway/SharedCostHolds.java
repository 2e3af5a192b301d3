package dev.modelyard.api.gateway;

import dev.modelyard.infra.postgres.DeploymentIdentity;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
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
 * MONTHLY_COST_LIMIT or a key's budget allowed. Amounts are whole micro-dollars, held rounded up.
 * When Redis does not answer within {@link #TIMEOUT}, or its breaker is open, {@link #tryHold}
 * answers empty and the replica falls back to its own holds.
 */
final class SharedCostHolds {

  private static final Logger log = LoggerFactory.getLogger(SharedCostHolds.class);

  static final Duration TIMEOUT = Duration.ofMillis(500);
  static final String KEY_PREFIX = "modelyard:costs:holds:";
  private static final String SCRIPT = read("cost-holds.lua");
  private static final long NONE = -1;

  private final RScript script;
  private final RedissonClient redis;
  private final String key;
  private final CircuitBreaker breaker =
      CircuitBreaker.of(
          "redis-cost-holds",
          CircuitBreakerConfig.custom()
              .slidingWindowSize(4)
              .minimumNumberOfCalls(2)
              .failureRateThreshold(50)
              .waitDurationInOpenState(Duration.ofSeconds(5))
              .permittedNumberOfCallsInHalfOpenState(1)
              .build());

  SharedCostHolds(RedissonClient redis, DeploymentIdentity deployment) {
    this.redis = redis;
    this.script = redis.getScript(StringCodec.INSTANCE);
    this.key = KEY_PREFIX + deployment.id();
    breaker
        .getEventPublisher()
        .onStateTransition(
            event -> {
              switch (event.getStateTransition().getToState()) {
                case OPEN ->
                    log.warn(
                        "Redis does not answer: cloud calls are held against the cost limits"
                            + " per replica until it does");
                case CLOSED ->
                    log.info("Redis answers again: cloud calls are held across replicas");
                default -> {}
              }
            });
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
    List<Object> answer;
    try {
      answer =
          script
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
              .toCompletableFuture()
              .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      breaker.onSuccess(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      breaker.releasePermission();
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      breaker.onError(System.nanoTime() - started, TimeUnit.NANOSECONDS, e);
      log.debug("cost holds in Redis failed", e);
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

  /** Lets go of a hold; one that cannot be reached now lapses on its own. */
  void release(String id) {
    redis
        .getMap(key, StringCodec.INSTANCE)
        .fastRemoveAsync(id)
        .whenComplete(
            (removed, failure) -> {
              if (failure != null) {
                log.debug("a cost hold in Redis was not let go; it lapses", failure);
              }
            });
  }

  private static long micros(BigDecimal dollars, RoundingMode rounding) {
    return dollars.movePointRight(6).setScale(0, rounding).longValueExact();
  }

  private static String read(String resource) {
    try (InputStream in = SharedCostHolds.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
