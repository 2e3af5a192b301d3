package dev.modelyard.infra.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelyard.testing.FreshSchema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Reading the audit log from real PostgreSQL. */
class AuditRecordsTests {

  private static FreshSchema database;
  private static JdbcClient jdbc;
  private static AuditRecords records;

  @BeforeAll
  static void migrate() {
    database = new FreshSchema();
    jdbc = JdbcClient.create(database.dataSource);
    records = new AuditRecords(jdbc);
  }

  @AfterAll
  static void drop() {
    database.close();
  }

  @Test
  void aCursorsPagesNeitherRepeatNorSkipRecordsWrittenWhileTheyAreWalked() {
    // Three records share one instant: the cursor must tell them apart by their ID.
    insert("walked", "2025-03-01T10:00:00Z", 3);
    insert("walked", "2025-03-01T09:00:00Z", 2);
    List<Long> seen = new ArrayList<>();

    AuditPage first = records.find(query("walked", 2, null));
    first.records().forEach(r -> seen.add(r.auditId()));
    // Written while the client reads: newer than anything it has seen.
    insert("walked", "2025-03-01T11:00:00Z", 2);
    AuditCursor next = AuditCursor.decode(first.next().encode());
    AuditPage second = records.find(query("walked", 2, next));
    second.records().forEach(r -> seen.add(r.auditId()));
    AuditPage third = records.find(query("walked", 2, second.next()));
    third.records().forEach(r -> seen.add(r.auditId()));

    assertThat(third.next()).isNull();
    assertThat(seen)
        .as("the five records there when the walk began, newest first, each once")
        .containsExactlyElementsOf(
            jdbc.sql(
                    """
                    select audit_id from request_audit
                    where model = 'walked' and occurred_at < '2025-03-01T11:00:00Z'
                    order by occurred_at desc, audit_id desc
                    """)
                .query(Long.class)
                .list());
  }

  @Test
  void theTotalIsCountedUpToItsLimit() {
    insert("many", "2025-04-01T10:00:00Z", AuditRecords.COUNT_LIMIT + 5);
    insert("few", "2025-04-01T10:00:00Z", 3);

    AuditPage many = records.find(query("many", 10, null));
    AuditPage few = records.find(query("few", 10, null));

    assertThat(many.total()).isEqualTo(AuditRecords.COUNT_LIMIT);
    assertThat(many.totalIsExact()).isFalse();
    assertThat(many.records()).hasSize(10);
    assertThat(few.total()).isEqualTo(3);
    assertThat(few.totalIsExact()).isTrue();
    assertThat(few.next()).isNull();
  }

  @Test
  void onlyACursorThisEndpointMadeIsTaken() {
    assertThatThrownBy(() -> AuditCursor.decode("not a cursor"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AuditCursor.decode("YWJj"))
        .isInstanceOf(IllegalArgumentException.class);
    AuditCursor cursor = new AuditCursor(Instant.parse("2025-03-01T10:00:00.123456Z"), 42);
    assertThat(AuditCursor.decode(cursor.encode())).isEqualTo(cursor);
  }

  private static AuditQuery query(String model, int size, AuditCursor after) {
    return new AuditQuery(null, null, null, model, null, 0, size, after);
  }

  private static void insert(String model, String at, int count) {
    jdbc.sql(
            """
            insert into request_audit (occurred_at, method, endpoint, model, status)
            select cast(:at as timestamptz), 'POST', '/v1/chat/completions', :model, 200
            from generate_series(1, :count)
            """)
        .param("at", at)
        .param("model", model)
        .param("count", count)
        .update();
  }
}
