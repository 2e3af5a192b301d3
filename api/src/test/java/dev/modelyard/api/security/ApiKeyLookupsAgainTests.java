package dev.modelyard.api.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.modelyard.infra.security.ApiKeyStore;
import dev.modelyard.testing.FreshSchema;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A cached key is looked up again in PostgreSQL (the test environment's, in a schema of its own)
 * without a request waiting for it, and is trusted no longer than {@link ApiKeys#CACHE_TTL} after
 * the last lookup PostgreSQL answered. The cache's time is a hand-moved ticker; the lookups are
 * real.
 */
class ApiKeyLookupsAgainTests {

  private static final String ADDRESS = "192.0.2.10";

  private final AtomicLong nanos = new AtomicLong(1);
  private final Ticker ticker = nanos::get;
  private FreshSchema database;
  private JdbcClient jdbc;
  private ApiKeys keys;

  @BeforeEach
  void start() {
    database = new FreshSchema();
    database.dataSource.setConnectionTimeout(2_000);
    jdbc = JdbcClient.create(database.dataSource);
    ApiKeyStore store =
        new ApiKeyStore(
            jdbc, new TransactionTemplate(new JdbcTransactionManager(database.dataSource)));
    keys =
        new ApiKeys(
            store,
            new LastUsedRecorder(store, Duration.ofSeconds(10)),
            new FailedKeyLookups(20, 1000),
            Clock.systemUTC(),
            ticker);
  }

  @AfterEach
  void stop() {
    database.close();
  }

  @Test
  void aKeyInUseIsLookedUpAgainAfterAMinuteWhileItsRequestsGoOn() throws Exception {
    CreatedKey created = keys.create(userKey("revoked-behind-its-back"));
    assertThat(keys.authenticate(created.key(), ADDRESS)).isPresent();
    // Revoked with no notification reaching this replica, as if its listener had missed it.
    jdbc.sql("update api_keys set revoked_at = now() where key_id = :id")
        .param("id", created.details().keyId())
        .update();

    advance(ApiKeys.REFRESH_AFTER.plusSeconds(1));

    // This request starts the lookup; it is served from the entry, or from the lookup's answer
    // when that came at once: either way it waits for none (see the next test).
    keys.authenticate(created.key(), ADDRESS);
    assertThat(eventually(() -> keys.authenticate(created.key(), ADDRESS).isEmpty()))
        .as("the revocation found by the lookup in the background")
        .isTrue();
  }

  @Test
  void noRequestWaitsForPostgreSqlWhileAKeyInUseIsLookedUpAgain() throws Exception {
    CreatedKey created = keys.create(userKey("in-use"));
    assertThat(keys.authenticate(created.key(), ADDRESS)).isPresent();
    // Used every minute, each minute's lookup answered.
    for (int minute = 1; minute <= 4; minute++) {
      advance(ApiKeys.REFRESH_AFTER.plusSeconds(1));
      long before = nanos.get();
      assertThat(keys.authenticate(created.key(), ADDRESS)).isPresent();
      assertThat(eventually(() -> keys.lookedUpAt(ApiKeySecrets.hash(created.key())) >= before))
          .as("minute " + minute)
          .isTrue();
    }

    try (Connection locker = database.dataSource.getConnection();
        Statement lock = locker.createStatement()) {
      locker.setAutoCommit(false);
      lock.execute("lock table api_keys in access exclusive mode");
      advance(ApiKeys.REFRESH_AFTER.plusSeconds(1));

      // Over five minutes after the first lookup: when the entry expired then and was looked up
      // again by the request that found it gone, that request waited for the lock.
      Optional<CallerAuthentication> during =
          CompletableFuture.supplyAsync(() -> keys.authenticate(created.key(), ADDRESS))
              .get(10, TimeUnit.SECONDS);
      assertThat(during).isPresent();
      locker.rollback();
    }
  }

  @Test
  void aKeyIsTrustedForFiveMinutesAfterItsLastAnsweredLookupAndAgainOncePostgreSqlAnswers()
      throws Exception {
    CreatedKey created = keys.create(userKey("store-away"));
    assertThat(keys.authenticate(created.key(), ADDRESS)).isPresent();
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    Logger logger = (Logger) LoggerFactory.getLogger(ApiKeys.class);
    logs.start();
    logger.addAppender(logs);
    jdbc.sql("alter table api_keys rename to api_keys_away").update();
    try {
      // Four failed lookups, one a minute, each after a request; the key still works.
      for (int minute = 1; minute <= 4; minute++) {
        advance(ApiKeys.REFRESH_AFTER.plusSeconds(1));
        assertThat(keys.authenticate(created.key(), ADDRESS)).as("minute " + minute).isPresent();
      }
      assertThat(eventually(() -> !logs.list.isEmpty())).isTrue();
      for (int request = 0; request < 50; request++) {
        assertThat(keys.authenticate(created.key(), ADDRESS)).isPresent();
      }

      advance(
          ApiKeys.CACHE_TTL
              .minus(ApiKeys.REFRESH_AFTER.plusSeconds(1).multipliedBy(4))
              .plusSeconds(1));

      assertThatThrownBy(() -> keys.authenticate(created.key(), ADDRESS))
          .as("five minutes after the last answered lookup, the entry is gone")
          .isInstanceOf(RuntimeException.class)
          .hasMessageContaining("api_keys");
    } finally {
      jdbc.sql("alter table api_keys_away rename to api_keys").update();
    }
    assertThat(keys.authenticate(created.key(), ADDRESS)).isPresent();
    advance(ApiKeys.REFRESH_AFTER.plusSeconds(1));
    keys.authenticate(created.key(), ADDRESS);
    assertThat(eventually(() -> logs.list.size() == 2)).isTrue();
    logger.detachAppender(logs);

    assertThat(logs.list)
        .as("one warning for the outage, not one a lookup, then one line when it is over")
        .extracting(ILoggingEvent::getLevel)
        .containsExactly(Level.WARN, Level.INFO);
  }

  @Test
  void anUnknownKeyIsNotLookedUpAgainButForgottenAfterFiveMinutes() throws Exception {
    String madeUp = "my-" + "x".repeat(40);
    String hash = ApiKeySecrets.hash(madeUp);
    assertThat(keys.authenticate(madeUp, ADDRESS)).isEmpty();
    long lookedUp = keys.lookedUpAt(hash);

    // Used again past the minute: a lookup in the background would pass by the limits on
    // unknown keys per address, so none is made.
    advance(ApiKeys.REFRESH_AFTER.plusSeconds(1));
    assertThat(keys.authenticate(madeUp, ADDRESS)).isEmpty();
    Thread.sleep(200);
    assertThat(keys.lookedUpAt(hash)).isEqualTo(lookedUp);

    advance(ApiKeys.CACHE_TTL);
    assertThat(keys.lookedUpAt(hash)).as("expired five minutes after its lookup").isEqualTo(-1);
  }

  private static KeyRequest userKey(String name) {
    return new KeyRequest(name, Set.of(Role.USER), null, null, null);
  }

  private void advance(Duration by) {
    nanos.addAndGet(by.toNanos());
  }

  private static boolean eventually(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(20);
    }
    return false;
  }
}
