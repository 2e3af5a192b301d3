package dev.modelyard.infra.costs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.testing.FreshSchema;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The ledger against the real PostgreSQL of the test environment, in a schema of its own. */
@Timeout(60)
class CostLedgerTests {

  private static final Instant MID_MARCH = Instant.parse("2025-03-15T12:00:00Z");
  private static final Duration WAIT = Duration.ofSeconds(10);

  private static FreshSchema database;
  private static JdbcClient jdbc;

  private final MutableClock clock = new MutableClock(MID_MARCH);
  private final PriceTable prices = PriceTable.STANDARD;
  private CostLedger ledger;

  @BeforeAll
  static void migrate() {
    database = new FreshSchema();
    jdbc = JdbcClient.create(database.dataSource);
  }

  @AfterAll
  static void drop() {
    database.close();
  }

  @BeforeEach
  void emptyTable() {
    jdbc.sql("truncate cost_records").update();
  }

  @AfterEach
  void closeLedger() throws InterruptedException {
    if (ledger != null) {
      ledger.close();
    }
  }

  @Test
  void localRequestsOfABatchBecomeOneRowPerModelAndDayWhileCloudCallsKeepTheirOwn()
      throws Exception {
    List<CostRecord> batch = new java.util.ArrayList<>();
    for (int i = 0; i < 50; i++) {
      batch.add(
          prices.local(
              MID_MARCH.plusSeconds(i),
              "key:abc",
              "local_gguf",
              "tiny",
              new Usage(10, 2),
              Duration.ofMillis(20)));
    }
    batch.add(
        prices.local(
            Instant.parse("2025-03-16T00:00:01Z"),
            "key:abc",
            "local_gguf",
            "tiny",
            new Usage(1, 1),
            Duration.ofMillis(5)));
    batch.add(cloud("2025-03-15T12:00:30Z", "gpt-4o", 100, 10));
    batch.add(cloud("2025-03-15T12:00:31Z", "gpt-4o", 100, 10));

    List<CostLedger.Row> rows = CostLedger.coalesced(batch);

    assertThat(rows).hasSize(4);
    assertThat(rows.stream().filter(r -> r.record().kind() == CostRecord.Kind.CLOUD))
        .allSatisfy(r -> assertThat(r.requests()).isEqualTo(1));
    CostLedger.Row fifteenth =
        rows.stream().filter(r -> r.requests() == 50).findFirst().orElseThrow();
    assertThat(fifteenth.record().promptTokens()).isEqualTo(500);
    assertThat(fifteenth.record().completionTokens()).isEqualTo(100);
    assertThat(fifteenth.record().computeSeconds()).isEqualByComparingTo("1.0");
    assertThat(fifteenth.record().occurredAt()).isEqualTo(MID_MARCH.plusSeconds(49));
    assertThat(rows).anySatisfy(r -> assertThat(r.record().promptTokens()).isEqualTo(1));
  }

  @Test
  void recordedCostsCountAtOnceAndAreWrittenInTheBackground() throws Exception {
    ledger = started(Duration.ofSeconds(5));
    CostRecord first = cloud("2025-03-02T08:00:00Z", "gpt-4o", 10_000, 2_000);
    CostRecord second = cloud("2025-03-15T11:59:00Z", "claude-sonnet-4-5", 4_000, 1_000);

    ledger.record(first);
    ledger.record(second);

    BigDecimal expected = first.costUsd().add(second.costUsd());
    assertThat(ledger.spentThisMonth()).isEqualByComparingTo(expected);
    assertThat(ledger.flush(WAIT)).isTrue();
    assertThat(ledger.spentThisMonth()).isEqualByComparingTo(expected);
    List<String> rows =
        jdbc.sql(
                """
                select provider || ' ' || model || ' ' || kind || ' ' || prompt_tokens || ' '
                    || completion_tokens || ' ' || cost_usd || ' ' || price_table_version
                from cost_records order by occurred_at
                """)
            .query(String.class)
            .list();
    assertThat(rows)
        .containsExactly(
            "openai gpt-4o cloud 10000 2000 0.045000 2025-10",
            "anthropic claude-sonnet-4-5 cloud 4000 1000 0.027000 2025-10");
  }

  @Test
  void aRestartedLedgerReadsTheMonthsTotalButNotLastMonths() throws Exception {
    ledger = started(Duration.ofSeconds(5));
    CostRecord lastMonth = cloud("2025-02-28T23:59:59Z", "gpt-4o", 100_000, 10_000);
    CostRecord firstInstant = cloud("2025-03-01T00:00:00Z", "gpt-4o-mini", 100_000, 10_000);
    CostRecord today = cloud("2025-03-15T09:00:00Z", "gemini-2.5-pro", 2_000, 3_000);
    ledger.record(lastMonth);
    ledger.record(firstInstant);
    ledger.record(today);
    BigDecimal march = firstInstant.costUsd().add(today.costUsd());
    assertThat(ledger.spentThisMonth()).isEqualByComparingTo(march);
    assertThat(ledger.flush(WAIT)).isTrue();
    ledger.close();

    ledger = started(Duration.ofSeconds(5));

    assertThat(ledger.spentThisMonth()).isEqualByComparingTo(march);
    assertThat(jdbc.sql("select count(*) from cost_records").query(Long.class).single())
        .isEqualTo(3);
  }

  @Test
  void anotherReplicasCostsAreSeenAfterTheNextRefresh() throws Exception {
    ledger = started(Duration.ofMillis(100));
    ledger.record(cloud("2025-03-10T10:00:00Z", "gpt-4o", 1_000_000, 0));
    assertThat(ledger.flush(WAIT)).isTrue();

    jdbc.sql(
            """
            insert into cost_records (occurred_at, model, provider, kind, cost_usd)
            values ('2025-03-14T10:00:00Z', 'gpt-4o', 'openai', 'cloud', 1.25)
            """)
        .update();

    assertThat(
            eventually(
                ledger::spentThisMonth, total -> total.compareTo(new BigDecimal("3.75")) == 0))
        .isEqualByComparingTo("3.75");
  }

  @Test
  void aNewMonthStartsFromNothing() throws Exception {
    ledger = started(Duration.ofSeconds(5));
    ledger.record(cloud("2025-03-31T23:00:00Z", "gpt-4o", 1_000_000, 0));
    assertThat(ledger.spentThisMonth()).isEqualByComparingTo("2.50");

    clock.set(Instant.parse("2025-04-01T00:00:00Z"));

    assertThat(ledger.spentThisMonth()).isEqualByComparingTo("0");
    ledger.record(cloud("2025-04-01T00:00:00Z", "gpt-4o-mini", 1_000_000, 0));
    assertThat(ledger.spentThisMonth()).isEqualByComparingTo("0.15");
    assertThat(ledger.flush(WAIT)).isTrue();
    assertThat(ledger.spentThisMonth()).isEqualByComparingTo("0.15");
  }

  @Test
  void localRecordsAreWrittenAsLocalAndCostNothing() throws Exception {
    ledger = started(Duration.ofSeconds(5));

    ledger.record(
        prices.local(
            MID_MARCH, "team-a", "local_gguf", "tiny", new Usage(28, 16), Duration.ofMillis(1500)));

    assertThat(ledger.flush(WAIT)).isTrue();
    assertThat(ledger.spentThisMonth()).isEqualByComparingTo("0");
    assertThat(
            jdbc.sql(
                    "select kind || ' ' || compute_seconds || ' ' || cost_usd || ' '"
                        + " || (cloud_equivalent_usd is null) || ' ' || caller from cost_records")
                .query(String.class)
                .single())
        .isEqualTo("local 1.5000 0.000000 true team-a");
  }

  @Test
  void eachCallersSpendIsKeptApartAndReadBackFromTheTable() throws Exception {
    ledger = started(Duration.ofSeconds(5));
    CostRecord ci = cloudBy("key:ci", "2025-03-02T08:00:00Z", "gpt-4o", 10_000, 2_000);
    CostRecord other = cloudBy("key:other", "2025-03-03T08:00:00Z", "gpt-4o-mini", 1_000, 0);
    CostRecord lastMonth = cloudBy("key:ci", "2025-02-28T23:59:59Z", "gpt-4o", 100_000, 0);
    ledger.record(ci);
    ledger.record(other);
    ledger.record(lastMonth);
    ledger.record(
        prices.local(
            MID_MARCH,
            "key:local",
            "local_gguf",
            "tiny",
            new Usage(28, 16),
            Duration.ofSeconds(1)));

    assertThat(ledger.spentThisMonthBy("key:ci")).isEqualByComparingTo(ci.costUsd());
    assertThat(ledger.spentThisMonthBy("key:other")).isEqualByComparingTo(other.costUsd());
    assertThat(ledger.spentThisMonthBy("key:local")).isEqualByComparingTo("0");
    assertThat(ledger.flush(WAIT)).isTrue();
    assertThat(ledger.spentThisMonthBy("key:ci")).isEqualByComparingTo(ci.costUsd());
    ledger.close();

    ledger = started(Duration.ofSeconds(5));

    assertThat(ledger.spentThisMonthBy("key:ci")).isEqualByComparingTo(ci.costUsd());
    assertThat(ledger.spentThisMonthBy("key:other")).isEqualByComparingTo(other.costUsd());
    assertThat(ledger.spentThisMonthBy("key:nobody")).isEqualByComparingTo("0");
    assertThat(ledger.spentThisMonth()).isEqualByComparingTo(ci.costUsd().add(other.costUsd()));
  }

  @Test
  void anotherReplicasCostsForACallerAreSeenAfterTheNextRefresh() throws Exception {
    ledger = started(Duration.ofMillis(100));
    ledger.record(cloudBy("key:ci", "2025-03-10T10:00:00Z", "gpt-4o", 1_000_000, 0));

    jdbc.sql(
            """
            insert into cost_records (occurred_at, caller, model, provider, kind, cost_usd)
            values ('2025-03-14T10:00:00Z', 'key:ci', 'gpt-4o', 'openai', 'cloud', 1.25)
            """)
        .update();

    assertThat(
            eventually(
                () -> ledger.spentThisMonthBy("key:ci"),
                total -> total.compareTo(new BigDecimal("3.75")) == 0))
        .isEqualByComparingTo("3.75");
  }

  @Test
  void aNewMonthStartsEveryCallerFromNothing() {
    ledger = started(Duration.ofSeconds(5));
    ledger.record(cloudBy("key:ci", "2025-03-31T23:00:00Z", "gpt-4o", 1_000_000, 0));
    assertThat(ledger.spentThisMonthBy("key:ci")).isEqualByComparingTo("2.50");

    clock.set(Instant.parse("2025-04-01T00:00:00Z"));

    assertThat(ledger.spentThisMonthBy("key:ci")).isEqualByComparingTo("0");
  }

  @Test
  void aHoldCountsAsSpentByItsCallerUntilItIsClosedOrLapses() throws Exception {
    ledger = started(Duration.ofMinutes(10));
    CostLedger.Hold closed = ledger.hold("key:a", new BigDecimal("1.50"), Duration.ofMinutes(5));
    CostLedger.Hold lapsing = ledger.hold("key:b", new BigDecimal("0.25"), Duration.ofMillis(200));

    assertThat(ledger.spentThisMonth()).isEqualByComparingTo("1.75");
    assertThat(ledger.spentThisMonthBy("key:a")).isEqualByComparingTo("1.50");
    assertThat(ledger.spentThisMonthBy("key:b")).isEqualByComparingTo("0.25");
    closed.close();
    assertThat(ledger.spentThisMonthBy("key:a")).isEqualByComparingTo("0");
    Thread.sleep(300);
    assertThat(ledger.spentThisMonth()).as("a hold never closed lapses").isEqualByComparingTo("0");
    lapsing.close();
    assertThat(ledger.spentThisMonth()).isEqualByComparingTo("0");
  }

  @Test
  void recordedSpendLeavesHoldsOutAndAHoldLetsGoOnce() {
    ledger = started(Duration.ofMinutes(10));
    ledger.record(cloudBy("key:a", "2025-03-15T12:00:00Z", "gpt-4o", 1_000_000, 0));
    java.util.concurrent.atomic.AtomicInteger letGo =
        new java.util.concurrent.atomic.AtomicInteger();
    CostLedger.Hold hold =
        ledger.hold("key:a", new BigDecimal("1.50"), Duration.ofMinutes(5), letGo::incrementAndGet);

    assertThat(ledger.recordedThisMonth()).isEqualByComparingTo("2.50");
    assertThat(ledger.recordedThisMonthBy("key:a")).isEqualByComparingTo("2.50");
    assertThat(ledger.recordedThisMonthBy("key:b")).isEqualByComparingTo("0");
    assertThat(ledger.spentThisMonthBy("key:a")).isEqualByComparingTo("4.00");
    hold.close();
    hold.close();
    assertThat(letGo).hasValue(1);
    assertThat(ledger.spentThisMonthBy("key:a")).isEqualByComparingTo("2.50");
  }

  @Test
  void aRecordTheDatabaseRefusesIsLeftOutAndTheRestOfItsBatchIsStored() throws Exception {
    CostRecord good = cloud("2025-03-15T12:00:01Z", "gpt-4o", 100, 10);
    // numeric(14, 6) holds less than a hundred million dollars: this cost can never be stored.
    CostRecord refused =
        new CostRecord(
            Instant.parse("2025-03-15T12:00:02Z"),
            "key:\0nul",
            "gpt-4o",
            "openai",
            CostRecord.Kind.CLOUD,
            1,
            1,
            BigDecimal.ZERO,
            new BigDecimal("1000000000"),
            null,
            "v1");
    CostRecord after = cloudBy("key:\0nul", "2025-03-15T12:00:03Z", "gpt-4o", 100, 10);
    ledger = started(Duration.ofMinutes(10));
    ledger.record(good);
    ledger.record(refused);
    ledger.record(after);

    assertThat(ledger.flush(WAIT)).as("every record dealt with").isTrue();
    ledger.record(cloud("2025-03-15T12:00:04Z", "gpt-4o", 100, 10));
    assertThat(ledger.flush(WAIT)).as("the ledger goes on").isTrue();

    assertThat(jdbc.sql("select count(*) from cost_records").query(Long.class).single())
        .isEqualTo(3);
    assertThat(
            jdbc.sql("select caller from cost_records where caller is not null")
                .query(String.class)
                .single())
        .isEqualTo("key:\uFFFDnul");
  }

  @Test
  void recordsQueuedAtCloseAreWrittenThoughTheDatabaseFailsOnceMeanwhile() throws Exception {
    AtomicInteger failuresLeft = new AtomicInteger();
    DataSource flaky =
        (DataSource)
            Proxy.newProxyInstance(
                DataSource.class.getClassLoader(),
                new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("getConnection")
                      && failuresLeft.getAndDecrement() > 0) {
                    throw new SQLException("Connection to 127.0.0.1:5432 refused", "08001");
                  }
                  try {
                    return method.invoke(database.dataSource, args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    CostLedger closing =
        new CostLedger(flaky, clock, Duration.ofMinutes(10), CostLedger.DEFAULT_CAPACITY);
    closing.start();
    failuresLeft.set(1);
    closing.record(cloud("2025-03-15T12:00:01Z", "gpt-4o", 100, 10));
    closing.record(cloud("2025-03-15T12:00:02Z", "gpt-4o", 100, 10));

    closing.close();

    assertThat(jdbc.sql("select count(*) from cost_records").query(Long.class).single())
        .isEqualTo(2);
  }

  @Test
  void theMonthsTotalsFollowEveryChangeToTheRecords() throws Exception {
    ledger = started(Duration.ofSeconds(5));
    ledger.record(cloudBy("key:ci", "2025-03-02T08:00:00Z", "gpt-4o", 10_000, 2_000));
    ledger.record(cloud("2025-03-03T08:00:00Z", "gpt-4o-mini", 1_000, 0));
    ledger.record(cloudBy("key:ci", "2025-02-28T23:59:59Z", "gpt-4o", 100_000, 0));
    ledger.record(
        prices.local(
            MID_MARCH,
            "key:local",
            "local_gguf",
            "tiny",
            new Usage(28, 16),
            Duration.ofSeconds(1)));
    assertThat(ledger.flush(WAIT)).isTrue();
    assertThat(totals()).isEqualTo(sums());

    jdbc.sql(
            """
            insert into cost_records (occurred_at, caller, model, provider, kind, cost_usd)
            values ('2025-03-14T10:00:00Z', 'key:ci', 'gpt-4o', 'openai', 'cloud', 1.25),
                   ('2025-04-01T00:00:00Z', 'key:ci', 'gpt-4o', 'openai', 'cloud', 2)
            """)
        .update();
    jdbc.sql("update cost_records set cost_usd = cost_usd * 2 where caller = 'key:ci'").update();
    jdbc.sql("delete from cost_records where occurred_at < '2025-03-01'").update();

    // Equal as they are: no total of 0 stays (February's, deleted; local requests' never written).
    assertThat(totals()).isEqualTo(sums()).containsKey("2025-04-01 key:ci");
    assertThat(totals()).doesNotContainKey("2025-02-01 key:ci");
    // An operator's correction that brings April's $4 back to nothing.
    jdbc.sql(
            """
            insert into cost_records (occurred_at, caller, model, provider, kind, cost_usd)
            values ('2025-04-02T00:00:00Z', 'key:ci', 'gpt-4o', 'openai', 'cloud', -4)
            """)
        .update();
    assertThat(totals()).isEqualTo(sums()).doesNotContainKey("2025-04-01 key:ci");
    jdbc.sql("truncate cost_records").update();
    assertThat(totals()).isEmpty();
  }

  @Test
  void replicasWritingForTheSameCallersInOppositeOrdersNeverDeadlock() throws Exception {
    AtomicInteger deadlocks = new AtomicInteger();
    DataSource counting = countingDeadlocks(deadlocks);
    CostLedger first = new CostLedger(counting, clock, Duration.ofMinutes(10), 100_000);
    CostLedger second = new CostLedger(counting, clock, Duration.ofMinutes(10), 100_000);
    first.start();
    second.start();
    try {
      for (int round = 0; round < 40; round++) {
        for (int caller = 0; caller < 25; caller++) {
          first.record(cloudBy("key:" + caller, "2025-03-10T10:00:00Z", "gpt-4o", 1_000, 0));
          second.record(
              cloudBy("key:" + (24 - caller), "2025-03-10T10:00:00Z", "gpt-4o", 1_000, 0));
        }
      }
      assertThat(first.flush(Duration.ofSeconds(40))).isTrue();
      assertThat(second.flush(Duration.ofSeconds(40))).isTrue();
    } finally {
      first.close();
      second.close();
    }

    assertThat(deadlocks).hasValue(0);
    assertThat(totals()).hasSize(25).isEqualTo(sums());
  }

  /** Each (month, caller) of the rolled-up table, with its total. */
  private static Map<String, BigDecimal> totals() {
    return jdbc
        .sql("select month || ' ' || caller, cost_usd from cost_month_totals")
        .query((rows, n) -> Map.entry(rows.getString(1), rows.getBigDecimal(2)))
        .list()
        .stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().stripTrailingZeros()));
  }

  /** The same, summed from the records themselves. */
  private static Map<String, BigDecimal> sums() {
    return jdbc
        .sql(
            """
            select date_trunc('month', occurred_at at time zone 'UTC')::date || ' '
                       || coalesce(caller, ''),
                   sum(cost_usd)
            from cost_records group by 1 having sum(cost_usd) <> 0
            """)
        .query((rows, n) -> Map.entry(rows.getString(1), rows.getBigDecimal(2)))
        .list()
        .stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().stripTrailingZeros()));
  }

  /** The test database, counting the deadlocks PostgreSQL reports to the ledger's batches. */
  private static DataSource countingDeadlocks(AtomicInteger deadlocks) {
    return proxy(
        DataSource.class,
        database.dataSource,
        (dataSourceCall, connection) ->
            dataSourceCall.equals("getConnection")
                ? proxy(
                    Connection.class,
                    (Connection) connection,
                    (connectionCall, statement) ->
                        connectionCall.equals("prepareStatement")
                            ? proxy(
                                PreparedStatement.class,
                                (PreparedStatement) statement,
                                (statementCall, result) -> result,
                                failure -> {
                                  for (SQLException e = failure;
                                      e != null;
                                      e = e.getNextException()) {
                                    if ("40P01".equals(e.getSQLState())) {
                                      deadlocks.incrementAndGet();
                                    }
                                  }
                                })
                            : statement,
                    failure -> {})
                : connection,
        failure -> {});
  }

  private static <T> T proxy(
      Class<T> type,
      T target,
      BiFunction<String, Object, Object> wrapResult,
      Consumer<SQLException> onFailure) {
    return type.cast(
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) -> {
              try {
                return wrapResult.apply(method.getName(), method.invoke(target, args));
              } catch (InvocationTargetException e) {
                if (e.getCause() instanceof SQLException failure) {
                  onFailure.accept(failure);
                }
                throw e.getCause();
              }
            }));
  }

  private CostLedger started(Duration refreshInterval) {
    CostLedger started =
        new CostLedger(database.dataSource, clock, refreshInterval, CostLedger.DEFAULT_CAPACITY);
    started.start();
    return started;
  }

  private CostRecord cloud(String at, String model, int prompt, int completion) {
    String provider =
        model.startsWith("gpt") ? "openai" : model.startsWith("claude") ? "anthropic" : "google";
    return prices.cloud(Instant.parse(at), null, provider, model, new Usage(prompt, completion));
  }

  private CostRecord cloudBy(String caller, String at, String model, int prompt, int completion) {
    String provider = model.startsWith("gpt") ? "openai" : "anthropic";
    return prices.cloud(Instant.parse(at), caller, provider, model, new Usage(prompt, completion));
  }

  private static <T> T eventually(Supplier<T> value, java.util.function.Predicate<T> done)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    T last = value.get();
    while (!done.test(last) && System.nanoTime() < deadline) {
      Thread.sleep(50);
      last = value.get();
    }
    return last;
  }
}
