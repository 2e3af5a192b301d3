package dev.modelyard.infra.audit;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Reads {@code request_audit}: filtered, newest first, a page at a time. */
public final class AuditRecords {

  /**
   * How far the matching records are counted: a log of a busy gateway holds millions a day, and
   * counting them all for every page took longer than reading the page.
   */
  public static final int COUNT_LIMIT = 10_000;

  private final JdbcClient jdbc;

  public AuditRecords(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  public AuditPage find(AuditQuery query) {
    List<String> conditions = new ArrayList<>();
    Map<String, Object> params = new HashMap<>();
    if (query.from() != null) {
      conditions.add("occurred_at >= :from");
      params.put("from", OffsetDateTime.ofInstant(query.from(), ZoneOffset.UTC));
    }
    if (query.to() != null) {
      conditions.add("occurred_at < :to");
      params.put("to", OffsetDateTime.ofInstant(query.to(), ZoneOffset.UTC));
    }
    if (query.caller() != null) {
      conditions.add("caller = :caller");
      params.put("caller", query.caller());
    }
    if (query.model() != null) {
      conditions.add("model = :model");
      params.put("model", query.model());
    }
    if (query.status() != null) {
      conditions.add("status = :status");
      params.put("status", query.status());
    }
    String matching = conditions.isEmpty() ? "" : " where " + String.join(" and ", conditions);
    params.put("countLimit", COUNT_LIMIT + 1);
    long total =
        jdbc.sql(
                "select count(*) from (select 1 from request_audit"
                    + matching
                    + " limit :countLimit) as matching")
            .params(params)
            .query(Long.class)
            .single();
    if (query.after() != null) {
      // Written so that the index on occurred_at bounds the scan.
      conditions.add("occurred_at <= :afterAt and (occurred_at < :afterAt or audit_id < :afterId)");
      params.put("afterAt", OffsetDateTime.ofInstant(query.after().occurredAt(), ZoneOffset.UTC));
      params.put("afterId", query.after().auditId());
    }
    String where = conditions.isEmpty() ? "" : " where " + String.join(" and ", conditions);
    // One more than the page, to tell whether a next page exists.
    params.put("limit", query.size() + 1);
    params.put("offset", (long) query.page() * query.size());
    List<StoredAuditRecord> records =
        jdbc.sql(
                "select * from request_audit"
                    + where
                    + " order by occurred_at desc, audit_id desc limit :limit offset :offset")
            .params(params)
            .query((rs, n) -> stored(rs))
            .list();
    AuditCursor next = null;
    if (records.size() > query.size()) {
      records = records.subList(0, query.size());
      StoredAuditRecord last = records.getLast();
      next = new AuditCursor(last.record().occurredAt(), last.auditId());
    }
    return new AuditPage(records, Math.min(total, COUNT_LIMIT), total <= COUNT_LIMIT, next);
  }

  private static StoredAuditRecord stored(ResultSet rs) throws SQLException {
    return new StoredAuditRecord(
        rs.getLong("audit_id"),
        new AuditRecord(
            rs.getObject("occurred_at", OffsetDateTime.class).toInstant(),
            rs.getString("caller"),
            rs.getString("method"),
            rs.getString("endpoint"),
            rs.getString("model"),
            rs.getString("provider"),
            rs.getString("instance_id"),
            rs.getObject("prompt_tokens", Integer.class),
            rs.getObject("completion_tokens", Integer.class),
            rs.getInt("latency_ms"),
            rs.getInt("status"),
            rs.getBoolean("cache_hit"),
            rs.getBigDecimal("cost_usd"),
            rs.getString("prompt"),
            rs.getString("response")));
  }
}
