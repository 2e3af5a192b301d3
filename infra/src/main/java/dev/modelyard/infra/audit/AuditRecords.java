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
    String where = conditions.isEmpty() ? "" : " where " + String.join(" and ", conditions);
    long total =
        jdbc.sql("select count(*) from request_audit" + where)
            .params(params)
            .query(Long.class)
            .single();
    params.put("limit", query.size());
    params.put("offset", (long) query.page() * query.size());
    List<StoredAuditRecord> records =
        jdbc.sql(
                "select * from request_audit"
                    + where
                    + " order by occurred_at desc, audit_id desc limit :limit offset :offset")
            .params(params)
            .query((rs, n) -> stored(rs))
            .list();
    return new AuditPage(records, total);
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
