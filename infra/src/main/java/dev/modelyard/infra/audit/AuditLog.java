package dev.modelyard.infra.audit;

import dev.modelyard.infra.postgres.LingeringBatch;
import dev.modelyard.infra.postgres.RefusedRows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request audit log in PostgreSQL. A request hands its record over and goes on: a bounded
 * queue, drained by one virtual thread that inserts in batches, so the request path never waits on
 * the database. When the database is away the batch is retried; when the queue is full a record is
 * dropped and counted, never blocking a request. {@link #close()} writes everything taken before it
 * returns (waiting up to {@link #DEFAULT_CLOSE_WAIT} for the database).
 */
public final class AuditLog implements AutoCloseable {

  public static final int DEFAULT_CAPACITY = 10_000;
  public static final int DEFAULT_BATCH = 500;
  public static final Duration DEFAULT_CLOSE_WAIT = Duration.ofSeconds(30);

  private static final Logger log = LoggerFactory.getLogger(AuditLog.class);

  /** How long the writer sleeps at most between looks at whether it is closing. */
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

  private static final String INSERT =
      """
      insert into request_audit (occurred_at, caller, method, endpoint, model, provider,
          instance_id, prompt_tokens, completion_tokens, latency_ms, status, cache_hit, cost_usd,
          prompt, response)
      values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      """;

  private final DataSource dataSource;
  private final BlockingQueue<AuditRecord> queue;
  private final int batchSize;
  private final Duration closeWait;

  private final Object lock = new Object();
  private long accepted; // guarded by lock, as is written
  private long written;
  private final AtomicLong dropped = new AtomicLong();

  private volatile boolean running;
  private Thread writer;

  public AuditLog(DataSource dataSource) {
    this(dataSource, DEFAULT_CAPACITY, DEFAULT_BATCH, DEFAULT_CLOSE_WAIT);
  }

  public AuditLog(DataSource dataSource, int capacity, int batchSize, Duration closeWait) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1, was " + batchSize);
    }
    if (closeWait.isNegative()) {
      throw new IllegalArgumentException("closeWait must not be negative, was " + closeWait);
    }
    this.dataSource = dataSource;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.batchSize = batchSize;
    this.closeWait = closeWait;
  }

  public synchronized void start() {
    if (writer == null) {
      running = true;
      writer = Thread.ofVirtual().name("audit-log").start(this::writeUntilClosed);
    }
  }

  /** Takes a record to write soon; never blocks. False when the queue was full and it was lost. */
  public boolean record(AuditRecord record) {
    synchronized (lock) {
      accepted++;
    }
    if (queue.offer(record)) {
      return true;
    }
    synchronized (lock) {
      accepted--;
    }
    long lost = dropped.incrementAndGet();
    if (lost % 1000 == 1) {
      log.warn("audit log queue is full: {} record(s) dropped so far", lost);
    }
    return false;
  }

  /** Records dropped because the queue was full or the database refused them, since start. */
  public long dropped() {
    return dropped.get();
  }

  /** Records waiting to be written. */
  public int pending() {
    return queue.size();
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

  /** Writes what is queued, then stops the writer. */
  @Override
  public void close() throws InterruptedException {
    Thread started;
    synchronized (this) {
      running = false;
      started = writer;
    }
    if (started != null && !started.join(closeWait)) {
      started.interrupt();
      log.warn("audit log closed with {} record(s) not written", queue.size());
    }
  }

  private void writeUntilClosed() {
    List<AuditRecord> batch = new ArrayList<>(batchSize);
    while (running || !queue.isEmpty() || !batch.isEmpty()) {
      try {
        if (batch.isEmpty()) {
          if (!LingeringBatch.fill(queue, batch, batchSize, POLL_NANOS)) {
            continue;
          }
        }
        insert(batch);
        written(batch.size());
        batch.clear();
      } catch (SQLException e) {
        if (RefusedRows.refused(e)) {
          try {
            insertEachAlone(batch);
            continue;
          } catch (SQLException stillFailing) {
            e = stillFailing;
          }
        }
        // The batch stays and is written again once the database is back.
        log.warn("cannot write audit records, retrying: {}", e.getMessage());
        try {
          Thread.sleep(RETRY_AFTER);
        } catch (InterruptedException interrupted) {
          break;
        }
      } catch (InterruptedException e) {
        break;
      }
    }
    if (!batch.isEmpty() || !queue.isEmpty()) {
      log.warn("audit log stopped with {} record(s) not written", batch.size() + queue.size());
    }
  }

  /** A batch the database refused: those records it refuses alone are left out and counted. */
  private void insertEachAlone(List<AuditRecord> batch) throws SQLException {
    RefusedRows.writeEachAlone(
        batch,
        this::insert,
        (r, e) -> {
          dropped.incrementAndGet();
          log.error(
              "audit record of {} {} at {} refused by the database, left out: {}",
              r.method(),
              r.endpoint(),
              r.occurredAt(),
              e.getMessage());
          written(1);
        },
        r -> written(1));
  }

  private void insert(List<AuditRecord> batch) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert = connection.prepareStatement(INSERT)) {
      connection.setAutoCommit(false);
      for (AuditRecord r : batch) {
        insert.setObject(1, OffsetDateTime.ofInstant(r.occurredAt(), ZoneOffset.UTC));
        insert.setString(2, RefusedRows.storable(r.caller()));
        insert.setString(3, RefusedRows.storable(r.method()));
        insert.setString(4, RefusedRows.storable(r.endpoint()));
        insert.setString(5, RefusedRows.storable(r.model()));
        insert.setString(6, RefusedRows.storable(r.provider()));
        insert.setString(7, RefusedRows.storable(r.instanceId()));
        insert.setObject(8, r.promptTokens(), Types.INTEGER);
        insert.setObject(9, r.completionTokens(), Types.INTEGER);
        insert.setInt(10, r.latencyMs());
        insert.setShort(11, (short) r.status());
        insert.setBoolean(12, r.cacheHit());
        insert.setObject(13, r.costUsd(), Types.NUMERIC);
        insert.setString(14, RefusedRows.storable(r.prompt()));
        insert.setString(15, RefusedRows.storable(r.response()));
        insert.addBatch();
      }
      insert.executeBatch();
      connection.commit();
    }
  }

  private void written(int count) {
    synchronized (lock) {
      written += count;
      lock.notifyAll();
    }
  }
}
