package dev.modelyard.api.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.infra.postgres.DeploymentIdentity;
import dev.modelyard.testing.TestServices;
import java.math.BigDecimal;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

/** The holds' script against the test Redis: what every replica of one deployment counts. */
class SharedCostHoldsTests {

  private static final Duration LAPSE = Duration.ofMinutes(30);
  private static final BigDecimal NONE = null;

  private final RedissonClient redis = client(TestServices.get("REDIS_URL"));
  private final DeploymentIdentity deployment =
      new DeploymentIdentity(UUID.randomUUID().toString());

  @AfterEach
  void shutdown() {
    redis.getKeys().delete(key());
    redis.shutdown();
  }

  @Test
  void holdsOnOneReplicaCountOnAnotherUntilLetGo() {
    SharedCostHolds first = new SharedCostHolds(redis, deployment);
    SharedCostHolds second = new SharedCostHolds(redis, deployment);
    BigDecimal limit = new BigDecimal("0.010");

    var held =
        first.tryHold(null, dollars("0.006"), LAPSE, dollars("0"), limit, dollars("0"), NONE);
    var alsoHeld =
        second.tryHold(null, dollars("0.006"), LAPSE, dollars("0"), limit, dollars("0"), NONE);
    var refused =
        second.tryHold(null, dollars("0.006"), LAPSE, dollars("0"), limit, dollars("0"), NONE);

    assertThat(held).containsInstanceOf(SharedCostHolds.Outcome.Held.class);
    assertThat(alsoHeld).containsInstanceOf(SharedCostHolds.Outcome.Held.class);
    assertThat(refused).contains(new SharedCostHolds.Outcome.OverLimit(dollars("0.012000")));

    first.release(((SharedCostHolds.Outcome.Held) held.orElseThrow()).id());
    await(
        () ->
            second
                    .tryHold(null, dollars("0.001"), LAPSE, dollars("0"), limit, dollars("0"), NONE)
                    .orElseThrow()
                instanceof SharedCostHolds.Outcome.Held);
  }

  @Test
  void aCallersBudgetCountsItsOwnHoldsAndRecordedSpendCountsAgainstTheLimit() {
    SharedCostHolds holds = new SharedCostHolds(redis, deployment);
    BigDecimal budget = new BigDecimal("0.004");

    var first =
        holds.tryHold("key:a", dollars("0.004"), LAPSE, dollars("0"), NONE, dollars("0"), budget);
    var second =
        holds.tryHold("key:a", dollars("0.004"), LAPSE, dollars("0"), NONE, dollars("0"), budget);
    var otherCaller =
        holds.tryHold("key:b", dollars("0.004"), LAPSE, dollars("0"), NONE, dollars("0"), budget);
    var recordedReachesLimit =
        holds.tryHold(
            "key:c",
            dollars("0.001"),
            LAPSE,
            dollars("1.99"),
            new BigDecimal("2"),
            dollars("0"),
            NONE);

    assertThat(first).containsInstanceOf(SharedCostHolds.Outcome.Held.class);
    assertThat(second).contains(new SharedCostHolds.Outcome.OverBudget(dollars("0.004000")));
    assertThat(otherCaller).containsInstanceOf(SharedCostHolds.Outcome.Held.class);
    assertThat(recordedReachesLimit)
        .as("$1.99 recorded and $0.008 held reach $2 with $0.002 more")
        .containsInstanceOf(SharedCostHolds.Outcome.Held.class);
    assertThat(
            holds.tryHold(
                "key:c",
                dollars("0.001"),
                LAPSE,
                dollars("1.991"),
                new BigDecimal("2"),
                dollars("0"),
                NONE))
        .contains(new SharedCostHolds.Outcome.OverLimit(dollars("0.009000")));
  }

  @Test
  void aHoldNeverLetGoLapses() throws Exception {
    SharedCostHolds holds = new SharedCostHolds(redis, deployment);
    BigDecimal limit = new BigDecimal("0.010");

    holds.tryHold(
        null, dollars("0.010"), Duration.ofMillis(300), dollars("0"), limit, dollars("0"), NONE);
    assertThat(
            holds.tryHold(null, dollars("0.001"), LAPSE, dollars("0"), limit, dollars("0"), NONE))
        .containsInstanceOf(SharedCostHolds.Outcome.OverLimit.class);
    Thread.sleep(400);

    assertThat(
            holds.tryHold(null, dollars("0.001"), LAPSE, dollars("0"), limit, dollars("0"), NONE))
        .containsInstanceOf(SharedCostHolds.Outcome.Held.class);
  }

  @Test
  void anotherDeploymentsHoldsDoNotCount() {
    BigDecimal limit = new BigDecimal("0.010");
    DeploymentIdentity other = new DeploymentIdentity(UUID.randomUUID().toString());
    try {
      new SharedCostHolds(redis, other)
          .tryHold(null, dollars("0.010"), LAPSE, dollars("0"), limit, dollars("0"), NONE);

      assertThat(
              new SharedCostHolds(redis, deployment)
                  .tryHold(null, dollars("0.001"), LAPSE, dollars("0"), limit, dollars("0"), NONE))
          .containsInstanceOf(SharedCostHolds.Outcome.Held.class);
    } finally {
      redis.getKeys().delete(SharedCostHolds.KEY_PREFIX + other.id());
    }
  }

  @Test
  void aRecordedCostCountsOnEveryReplicaForAWhile() {
    SharedCostHolds one = new SharedCostHolds(redis, deployment);
    BigDecimal limit = new BigDecimal("0.010");

    one.recorded("key:a", dollars("0.010"));

    await(
        () ->
            new SharedCostHolds(redis, deployment)
                    .tryHold(null, dollars("0.001"), LAPSE, dollars("0"), limit, dollars("0"), NONE)
                    .orElseThrow()
                instanceof SharedCostHolds.Outcome.OverLimit);
    assertThat(redis.getMap(key(), StringCodec.INSTANCE).remainTimeToLive())
        .as("the hash lives at most as long as its longest entry")
        .isPositive();
  }

  @Test
  void aHoldMadeAfterItsCallerStoppedWaitingIsLetGo() throws Exception {
    SharedCostHolds holds = new SharedCostHolds(redis, deployment);
    // Connected before the pause: the client's first command opens its connections and waits.
    assertThat(redis.getMap(key(), StringCodec.INSTANCE).isEmpty()).isTrue();
    pauseRedis(Duration.ofMillis(1_200));

    var answer =
        holds.tryHold(
            null, dollars("0.001"), LAPSE, dollars("0"), dollars("1"), dollars("0"), NONE);

    assertThat(answer).as("no answer within %s", SharedCostHolds.TIMEOUT).isEmpty();
    // Redis runs the script once the pause ends; the hold it makes is let go at once.
    Thread.sleep(1_200);
    await(() -> redis.getMap(key(), StringCodec.INSTANCE).isEmpty());
  }

  @Test
  void redisThatDoesNotAnswerIsNoAnswerWithinTheTimeout() throws Exception {
    RedissonClient away;
    try (var closed = new java.net.ServerSocket(0)) {
      away = client("redis://127.0.0.1:" + closed.getLocalPort());
    }
    try {
      SharedCostHolds holds = new SharedCostHolds(away, deployment);
      long started = System.nanoTime();

      var answer =
          holds.tryHold(
              null, dollars("0.001"), LAPSE, dollars("0"), dollars("1"), dollars("0"), NONE);

      assertThat(answer).isEmpty();
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .isLessThan(SharedCostHolds.TIMEOUT.plusSeconds(2));
    } finally {
      away.shutdown();
    }
  }

  private String key() {
    return SharedCostHolds.KEY_PREFIX + deployment.id();
  }

  /** CLIENT PAUSE: Redis holds every client's commands, then runs them. */
  private static void pauseRedis(Duration pause) throws Exception {
    URI url = URI.create(TestServices.get("REDIS_URL"));
    try (Socket socket = new Socket(url.getHost(), url.getPort())) {
      String millis = Long.toString(pause.toMillis());
      socket
          .getOutputStream()
          .write(
              ("*3\r\n$6\r\nCLIENT\r\n$5\r\nPAUSE\r\n$"
                      + millis.length()
                      + "\r\n"
                      + millis
                      + "\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      byte[] reply = new byte[5];
      assertThat(socket.getInputStream().readNBytes(reply, 0, 5)).isEqualTo(5);
      assertThat(new String(reply, StandardCharsets.US_ASCII)).isEqualTo("+OK\r\n");
    }
  }

  private static BigDecimal dollars(String amount) {
    return new BigDecimal(amount);
  }

  private static void await(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("within 5 s").isLessThan(deadline);
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  private static RedissonClient client(String url) {
    Config config = new Config();
    config.useSingleServer().setAddress(url).setConnectTimeout(500).setRetryAttempts(0);
    config.setLazyInitialization(true);
    return Redisson.create(config);
  }
}
