package dev.modelyard.infra.security;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * API keys in PostgreSQL ({@code api_keys}, migration V2). Every change notifies {@link #CHANNEL}
 * with the key's hash in the same statement, so that each API replica drops its cached copy as soon
 * as the change commits ({@link dev.modelyard.infra.postgres.NotificationListener}).
 */
public class ApiKeyStore {

  /** The NOTIFY channel of key changes; the payload is the changed key's hash. */
  public static final String CHANNEL = "modelyard_api_keys";

  // Serialises the key checks of replicas starting together, within their transactions only.
  private static final long FIRST_KEY_LOCK = 0x6d795f6b657973L;

  private static final String COLUMNS =
      """
      key_id, name, key_prefix, key_hash, roles, rate_limit_requests, monthly_budget_usd,
      expires_at, created_at, last_used_at, revoked_at
      """;

  private final JdbcClient jdbc;
  private final TransactionTemplate transactions;

  public ApiKeyStore(JdbcClient jdbc, TransactionTemplate transactions) {
    this.jdbc = jdbc;
    this.transactions = transactions;
  }

  /** The key with this hash, revoked or not; the caller decides what revoked or expired means. */
  public Optional<StoredApiKey> findByHash(String keyHash) {
    return jdbc.sql("select " + COLUMNS + " from api_keys where key_hash = :hash")
        .param("hash", keyHash)
        .query(ApiKeyStore::key)
        .optional();
  }

  public List<StoredApiKey> list() {
    return jdbc.sql("select " + COLUMNS + " from api_keys order by created_at, key_id")
        .query(ApiKeyStore::key)
        .list();
  }

  public StoredApiKey create(NewApiKey key) {
    return jdbc.sql(
            """
            with created as (
                insert into api_keys (name, key_prefix, key_hash, roles, rate_limit_requests,
                    monthly_budget_usd, expires_at)
                values (:name, :prefix, :hash, :roles, :rateLimit, :budget, :expiresAt)
                returning *)
            select %s, pg_notify('%s', key_hash) from created
            """
                .formatted(COLUMNS, CHANNEL))
        .param("name", key.name())
        .param("prefix", key.keyPrefix())
        .param("hash", key.keyHash())
        .param("roles", key.roles().toArray(String[]::new))
        .param("rateLimit", key.rateLimitRequests())
        .param("budget", key.monthlyBudgetUsd())
        .param("expiresAt", key.expiresAt() == null ? null : Timestamp.from(key.expiresAt()))
        .query(ApiKeyStore::key)
        .single();
  }

  /**
   * Inserts the key unless one with its hash exists (a key given in the environment, at every
   * start); answers whether it inserted.
   */
  public boolean createIfAbsent(NewApiKey key) {
    return transactions.execute(
        status -> {
          // Replicas starting together with the same key: the second waits here, then finds it,
          // where it used to fail its start on the unique index.
          jdbc.sql("select 1 from (select pg_advisory_xact_lock(:lock)) locked")
              .param("lock", FIRST_KEY_LOCK)
              .query(Integer.class)
              .single();
          if (findByHash(key.keyHash()).isPresent()) {
            return false;
          }
          create(key);
          return true;
        });
  }

  /**
   * Inserts the key only when there is no key at all, under a lock, so that of several replicas
   * starting on an empty table exactly one creates the first key.
   */
  public boolean createIfNone(NewApiKey key) {
    return transactions.execute(
        status -> {
          jdbc.sql("select 1 from (select pg_advisory_xact_lock(:lock)) locked")
              .param("lock", FIRST_KEY_LOCK)
              .query(Integer.class)
              .single();
          Integer any = jdbc.sql("select count(*) from api_keys").query(Integer.class).single();
          if (any > 0) {
            return false;
          }
          create(key);
          return true;
        });
  }

  /** Revokes the key; empty when there is no such key. Revoking twice keeps the first time. */
  public Optional<StoredApiKey> revoke(String keyId, Instant at) {
    return jdbc.sql(
            """
            with revoked as (
                update api_keys set revoked_at = coalesce(revoked_at, :at)
                where key_id = :keyId
                returning *)
            select %s, pg_notify('%s', key_hash) from revoked
            """
                .formatted(COLUMNS, CHANNEL))
        .param("keyId", keyId)
        .param("at", Timestamp.from(at))
        .query(ApiKeyStore::key)
        .optional();
  }

  /** Records when each key was last used, in one batch; an older time never replaces a newer. */
  public void recordLastUsed(Map<String, Instant> lastUsedByKeyId) {
    if (lastUsedByKeyId.isEmpty()) {
      return;
    }
    String[] ids = lastUsedByKeyId.keySet().toArray(String[]::new);
    String[] times =
        Arrays.stream(ids).map(id -> lastUsedByKeyId.get(id).toString()).toArray(String[]::new);
    jdbc.sql(
            """
            update api_keys k set last_used_at = greatest(k.last_used_at, u.used_at)
            from unnest(:ids::text[], :times::timestamptz[]) as u(key_id, used_at)
            where k.key_id = u.key_id
            """)
        .param("ids", ids)
        .param("times", times)
        .update();
  }

  private static StoredApiKey key(ResultSet rs, int row) throws SQLException {
    Array roles = rs.getArray("roles");
    return new StoredApiKey(
        rs.getString("key_id"),
        rs.getString("name"),
        rs.getString("key_prefix"),
        rs.getString("key_hash"),
        List.of((String[]) roles.getArray()),
        (Integer) rs.getObject("rate_limit_requests"),
        rs.getBigDecimal("monthly_budget_usd"),
        instant(rs.getTimestamp("expires_at")),
        instant(rs.getTimestamp("created_at")),
        instant(rs.getTimestamp("last_used_at")),
        instant(rs.getTimestamp("revoked_at")));
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }
}
