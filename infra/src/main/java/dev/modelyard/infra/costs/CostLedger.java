package dev.modelyard.infra.costs;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.modelyard.infra.postgres.LingeringBatch;
import dev.modelyard.infra.postgres.RefusedRows;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cost records in PostgreSQL, and this month's total, and each caller's, kept in memory. A request
 * hands its record over and goes on: a virtual thread writes records in batches and re-reads the
 * month's totals (which other replicas add to) every few seconds, so neither the write nor a budget
 * check ever waits on the database.
 *
 * <p>A total is the month's sum in the database as last read, plus what this process recorded since
 * and has not written yet. A record dropped because the queue was full (the database being away a
 * long while) is never written, but still counts here until the month ends.
 */
public final class CostLedger implements MonthlySpend, CallerSpend, AutoCloseable {

  public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(5);
  public static final int DEFAULT_CAPACITY = 10_000;

  private static final Logger log = LoggerFactory.getLogger(CostLedger.class);
  private static final int BATCH = 500;

  /** How long the writer sleeps at most, so that close() is answered promptly. */
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  private static final Duration RETRY_AFTER = Duration.ofSeconds(1);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

  private static final String INSERT =
      """
      insert into cost_records (occurred_at, caller, model, provider, kind, prompt_tokens,
          completion_tokens, compute_seconds, cost_usd, cloud_equivalent_usd, price_table_version,
          requests)
      values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      """;

  /**
   * Per caller, so one read answers both the total and every caller's budget. Triggers keep the
   * table in step with {@code cost_records} (V17): a few rows a month, where summing the month's
   * records read every one of them. A caller of '' is a request without one.
   */
  private static final String MONTH_TOTALS =
      "select caller, cost_usd from cost_month_totals where month = ?";

  /**
   * The order a batch is written in: the totals' rows are then locked in the same order by every
   * replica, so two writing for the same callers wait for each other instead of deadlocking.
   */
  private static final Comparator<Row> TOTALS_ORDER =
      Comparator.comparing(
              (Row row) -> YearMonth.from(row.record().occurredAt().atOffset(ZoneOffset.UTC)))
          .thenComparing(
              // As stored; collation "C" orders by UTF-8 bytes, String.compareTo by UTF-16 units.
              row ->
                  Objects.requireNonNullElse(RefusedRows.storable(row.record().caller()), "")
                      .getBytes(UTF_8),
              Arrays::compareUnsigned);

  private final DataSource dataSource;
  private final Clock clock;
  private final Duration refreshInterval;
  private final BlockingQueue<CostRecord> queue;

  private final Object lock = new Object();
  private YearMonth month; // guarded by lock, as are the fields below
  private BigDecimal stored = BigDecimal.ZERO;
  private BigDecimal unstored = BigDecimal.ZERO;
  // Only callers that spent money: local requests cost $0, so they add no entry.
  private Map<String, BigDecimal> storedByCaller = new HashMap<>();
  private final Map<String, BigDecimal> unstoredByCaller = new HashMap<>();
  // Few: one per cloud call under way.
  private final List<Hold> holds = new ArrayList<>();
  private long accepted;
  private long written;
  private long dropped;

  private volatile boolean running;
  private Thread writer;

  public CostLedger(DataSource dataSource, Clock clock) {
    this(dataSource, clock, DEFAULT_REFRESH_INTERVAL, DEFAULT_CAPACITY);
  }

  public CostLedger(DataSource dataSource, Clock clock, Duration refreshInterval, int capacity) {
    if (refreshInterval.isNegative() || refreshInterval.isZero()) {
      throw new IllegalArgumentException(
          "refreshInterval must be positive, was " + refreshInterval);
    }
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
    }
    this.dataSource = dataSource;
    this.clock = clock;
    this.refreshInterval = refreshInterval;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.month = currentMonth();
  }

  /**
   * Reads this month's total, then starts the writer. Called at start-up, where waiting on the
   * database is fine; if it is away, the total starts at 0 and the writer keeps trying.
   */
  public void start() {
    try {
      refresh();
    } catch (SQLException e) {
      log.warn("cannot read this month's costs yet, starting from $0: {}", e.getMessage());
    }
    running = true;
    writer = Thread.ofVirtual().name("cost-ledger").start(this::writeUntilClosed);
  }

  /** Takes a record to write later; never blocks. */
  public void record(CostRecord record) {
    // Counted before it is queued, so the writer can never move a cost it was not yet given.
    synchronized (lock) {
      roll();
      if (YearMonth.from(record.occurredAt().atOffset(ZoneOffset.UTC)).equals(month)) {
        unstored = unstored.add(record.costUsd());
        if (costsMoney(record)) {
          unstoredByCaller.merge(record.caller(), record.costUsd(), BigDecimal::add);
        }
      }
      accepted++;
    }
    if (!queue.offer(record)) {
      synchronized (lock) {
        accepted--;
        if (dropped++ % 1000 == 0) {
          log.warn("cost ledger queue is full: {} record(s) not written so far", dropped);
        }
      }
    }
  }

  /** This month's spend, and what the cloud calls under way may cost (their holds). */
  @Override
  public BigDecimal spentThisMonth() {
    synchronized (lock) {
      return recordedThisMonth().add(held(null));
    }
  }

  /**
   * What this caller ({@link CostRecord#caller()}) has spent since the first of the month, and what
   * its cloud calls under way may cost.
   */
  @Override
  public BigDecimal spentThisMonthBy(String caller) {
    synchronized (lock) {
      return recordedThisMonthBy(caller).add(held(caller));
    }
  }

  /** This month's spend as recorded, without what calls under way may cost. */
  public BigDecimal recordedThisMonth() {
    synchronized (lock) {
      roll();
      return stored.add(unstored);
    }
  }

  /** What this caller has spent this month as recorded, without its calls under way. */
  public BigDecimal recordedThisMonthBy(String caller) {
    synchronized (lock) {
      roll();
      return storedByCaller
          .getOrDefault(caller, BigDecimal.ZERO)
          .add(unstoredByCaller.getOrDefault(caller, BigDecimal.ZERO));
    }
  }

  /**
   * Counts {@code cost} as spent by {@code caller} (null: no key) until the hold is closed, which
   * should be once the call's real cost is recorded. A budget checked before each cloud call would
   * otherwise let every call that starts before the first one ends through: spend grows with
   * concurrency times the cost of a call. A hold never closed (a request that failed between its
   * call and its accounting) lapses after {@code lapse}.
   */
  public Hold hold(String caller, BigDecimal cost, Duration lapse) {
    return hold(caller, cost, lapse, () -> {});
  }

  /**
   * As {@link #hold(String, BigDecimal, Duration)}, running {@code onClose} when the hold is closed
   * (once), e.g. to let go of the same hold kept where other replicas see it.
   */
  public Hold hold(String caller, BigDecimal cost, Duration lapse, Runnable onClose) {
    Hold hold = new Hold(caller, cost, System.nanoTime() + lapse.toNanos(), onClose);
    synchronized (lock) {
      holds.add(hold);
    }
    return hold;
  }

  /** What the holds of {@code caller} (null: of everyone) add up to; lapsed ones go. */
  private BigDecimal held(String caller) {
    long now = System.nanoTime();
    holds.removeIf(h -> now - h.lapsesAt >= 0);
    BigDecimal held = BigDecimal.ZERO;
    for (Hold hold : holds) {
      if (caller == null || caller.equals(hold.caller)) {
        held = held.add(hold.cost);
      }
    }
    return held;
  }

  /** What a cloud call under way may cost, counted as spent until it is closed. */
  public final class Hold implements AutoCloseable {

    private final String caller;
    private final BigDecimal cost;
    private final long lapsesAt;
    private final Runnable onClose;
    private boolean closed; // guarded by lock

    private Hold(String caller, BigDecimal cost, long lapsesAt, Runnable onClose) {
      this.caller = caller;
      this.cost = cost;
      this.lapsesAt = lapsesAt;
      this.onClose = onClose;
    }

    @Override
    public void close() {
      synchronized (lock) {
        holds.remove(this);
        if (closed) {
          return;
        }
        closed = true;
      }
      onClose.run();
    }
  }

  /** Waits until every record taken so far is written; false if that took longer than given. */
  public boolean flush(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      long target = accepted;
      while (written < target) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(lock, left);
      }
      return true;
    }
  }

  /** Writes what is queued (waiting a little while for the database), then stops the writer. */
  @Override
  public void close() throws InterruptedException {
    running = false;
    if (writer != null && !writer.join(CLOSE_WAIT)) {
      writer.interrupt();
      log.warn("cost ledger closed with {} record(s) not written", queue.size());
    }
  }

  private void writeUntilClosed() {
    List<CostRecord> batch = new ArrayList<>();
    long nextRefresh = System.nanoTime() + refreshInterval.toNanos();
    while (running || !queue.isEmpty() || !batch.isEmpty()) {
      try {
        if (batch.isEmpty()) {
          long wait = Math.clamp(nextRefresh - System.nanoTime(), 0, POLL_NANOS);
          LingeringBatch.fill(queue, batch, BATCH, wait);
        }
        if (!batch.isEmpty()) {
          insert(batch);
          stored(batch);
          batch.clear();
        }
        // Closing, only the records matter: the totals are read by whoever starts next.
        if (running && System.nanoTime() - nextRefresh >= 0) {
          refresh();
          nextRefresh = System.nanoTime() + refreshInterval.toNanos();
        }
      } catch (SQLException e) {
        if (RefusedRows.refused(e) && !batch.isEmpty()) {
          try {
            insertEachAlone(batch);
            continue;
          } catch (SQLException stillFailing) {
            e = stillFailing;
          }
        }
        // The batch stays and is written again once the database is back.
        log.warn("cannot write or read cost records, retrying: {}", e.getMessage());
        if (!pause()) {
          break;
        }
      } catch (InterruptedException e) {
        break;
      }
    }
    if (!batch.isEmpty() || !queue.isEmpty()) {
      log.warn("cost ledger stopped with {} record(s) not written", batch.size() + queue.size());
    }
  }

  /**
   * Sleeps before a retry; false once interrupted. Closing, it goes on retrying: {@link #close}
   * bounds how long, and a record given up costs the budget every other replica reads.
   */
  private boolean pause() {
    try {
      Thread.sleep(RETRY_AFTER);
      return true;
    } catch (InterruptedException e) {
      return false;
    }
  }

  /**
   * A batch the database refused: those records it refuses alone are left out, logged as errors
   * (their cost stays counted here until the next refresh, but no other replica sees it).
   */
  private void insertEachAlone(List<CostRecord> batch) throws SQLException {
    RefusedRows.writeEachAlone(
        batch,
        this::insert,
        (r, e) -> {
          log.error("cost record refused by the database, not stored: {}: {}", r, e.getMessage());
          stored(List.of(r));
        },
        r -> stored(List.of(r)));
  }

  private void insert(List<CostRecord> batch) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert = connection.prepareStatement(INSERT)) {
      connection.setAutoCommit(false);
      List<Row> rows = coalesced(batch);
      rows.sort(TOTALS_ORDER);
      for (Row row : rows) {
        CostRecord r = row.record();
        insert.setObject(1, OffsetDateTime.ofInstant(r.occurredAt(), ZoneOffset.UTC));
        insert.setString(2, RefusedRows.storable(r.caller()));
        insert.setString(3, RefusedRows.storable(r.model()));
        insert.setString(4, RefusedRows.storable(r.provider()));
        insert.setString(5, r.kind().column());
        insert.setInt(6, r.promptTokens());
        insert.setInt(7, r.completionTokens());
        insert.setBigDecimal(8, r.computeSeconds());
        insert.setBigDecimal(9, r.costUsd());
        if (r.cloudEquivalentUsd() == null) {
          insert.setNull(10, Types.NUMERIC);
        } else {
          insert.setBigDecimal(10, r.cloudEquivalentUsd());
        }
        insert.setString(11, RefusedRows.storable(r.priceTableVersion()));
        insert.setInt(12, row.requests());
        insert.addBatch();
      }
      insert.executeBatch();
      connection.commit();
    }
  }

  /**
   * One row per caller, model, provider and UTC day for the batch's local records, which cost
   * nothing and only feed the report's sums: a gateway serving thousands of local requests a second
   * writes a handful of rows per batch instead of a row per request. Cloud records, which are
   * money, keep a row each.
   */
  static List<Row> coalesced(List<CostRecord> batch) {
    Map<List<Object>, Row> local = new LinkedHashMap<>();
    List<Row> rows = new ArrayList<>();
    for (CostRecord r : batch) {
      if (r.kind() != CostRecord.Kind.LOCAL) {
        rows.add(new Row(r, 1));
        continue;
      }
      List<Object> key =
          Arrays.asList(
              r.caller(),
              r.model(),
              r.provider(),
              r.priceTableVersion(),
              r.occurredAt().atOffset(ZoneOffset.UTC).toLocalDate());
      local.merge(key, new Row(r, 1), Row::plus);
    }
    rows.addAll(local.values());
    return rows;
  }

  /** A row of {@code cost_records}: one record, or the sum of several local ones. */
  record Row(CostRecord record, int requests) {

    Row plus(Row other) {
      CostRecord a = record;
      CostRecord b = other.record;
      return new Row(
          new CostRecord(
              a.occurredAt().isAfter(b.occurredAt()) ? a.occurredAt() : b.occurredAt(),
              a.caller(),
              a.model(),
              a.provider(),
              a.kind(),
              a.promptTokens() + b.promptTokens(),
              a.completionTokens() + b.completionTokens(),
              a.computeSeconds().add(b.computeSeconds()),
              a.costUsd().add(b.costUsd()),
              a.cloudEquivalentUsd() == null || b.cloudEquivalentUsd() == null
                  ? null
                  : a.cloudEquivalentUsd().add(b.cloudEquivalentUsd()),
              a.priceTableVersion()),
          requests + other.requests);
    }
  }

  /** Moves a written batch's cost from "recorded here" to "in the database". */
  private void stored(List<CostRecord> batch) {
    synchronized (lock) {
      roll();
      for (CostRecord r : batch) {
        if (YearMonth.from(r.occurredAt().atOffset(ZoneOffset.UTC)).equals(month)) {
          unstored = unstored.subtract(r.costUsd());
          stored = stored.add(r.costUsd());
          if (costsMoney(r)) {
            move(r.caller(), r.costUsd());
          }
        }
      }
      written += batch.size();
      lock.notifyAll();
    }
  }

  private void move(String caller, BigDecimal cost) {
    BigDecimal left = unstoredByCaller.getOrDefault(caller, BigDecimal.ZERO).subtract(cost);
    if (left.signum() == 0) {
      unstoredByCaller.remove(caller);
    } else {
      unstoredByCaller.put(caller, left);
    }
    storedByCaller.merge(caller, cost, BigDecimal::add);
  }

  private static boolean costsMoney(CostRecord record) {
    return record.caller() != null && record.costUsd().signum() != 0;
  }

  /**
   * Re-reads the month's totals. Only the writer thread (or start, before it exists) calls this, so
   * no write of this process can land between the read and the update.
   */
  private void refresh() throws SQLException {
    YearMonth reading;
    synchronized (lock) {
      roll();
      reading = month;
    }
    BigDecimal total = BigDecimal.ZERO;
    Map<String, BigDecimal> byCaller = new HashMap<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query = connection.prepareStatement(MONTH_TOTALS)) {
      query.setObject(1, reading.atDay(1));
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          String caller = rows.getString(1);
          BigDecimal sum = rows.getBigDecimal(2);
          total = total.add(sum);
          if (!caller.isEmpty() && sum.signum() != 0) {
            byCaller.put(caller, sum);
          }
        }
      }
    }
    synchronized (lock) {
      if (month.equals(reading)) {
        stored = total;
        storedByCaller = byCaller;
      }
    }
  }

  /** A new month starts from nothing; the next refresh reads whatever it already holds. */
  private void roll() {
    YearMonth now = currentMonth();
    if (!now.equals(month)) {
      month = now;
      stored = BigDecimal.ZERO;
      unstored = BigDecimal.ZERO;
      storedByCaller = new HashMap<>();
      unstoredByCaller.clear();
    }
  }

  private YearMonth currentMonth() {
    return YearMonth.from(clock.instant().atOffset(ZoneOffset.UTC));
  }
}
