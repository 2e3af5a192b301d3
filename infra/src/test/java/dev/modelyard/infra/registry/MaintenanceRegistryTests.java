package dev.modelyard.infra.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.testing.FreshSchema;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The cleanup's side of the registry against the test PostgreSQL. */
class MaintenanceRegistryTests {

  private static FreshSchema database;
  private static JdbcClient jdbc;
  private static MaintenanceRegistry registry;

  @BeforeAll
  static void migrate() {
    database = new FreshSchema();
    jdbc = JdbcClient.create(database.dataSource);
    registry =
        new MaintenanceRegistry(
            jdbc, new TransactionTemplate(new JdbcTransactionManager(database.dataSource)));
  }

  @AfterAll
  static void drop() {
    database.close();
  }

  @Test
  void auditPastItsCutoffIsDeletedABoundedBatchAtATimeOldestFirst() {
    Instant cutoff = Instant.now().minus(Duration.ofDays(30));
    audit(25, "interval '40 days'");
    audit(5, "interval '1 day'");

    assertThat(registry.deleteAuditBatch(cutoff, 10)).isEqualTo(10);
    // The ten oldest went (40 days and 16 to 25 seconds ago); the fifteen newer old rows stay.
    assertThat(
            jdbc.sql(
                    "select count(*) from request_audit"
                        + " where occurred_at < now() - interval '40 days 15.5 seconds'")
                .query(Long.class)
                .single())
        .isZero();
    assertThat(registry.deleteAuditBatch(cutoff, 10)).isEqualTo(10);
    assertThat(registry.deleteAuditBatch(cutoff, 10)).isEqualTo(5);
    assertThat(registry.deleteAuditBatch(cutoff, 10)).isZero();
    assertThat(jdbc.sql("select count(*) from request_audit").query(Long.class).single())
        .as("what is within retention stays")
        .isEqualTo(5);
  }

  private static void audit(int rows, String age) {
    jdbc.sql(
            """
            insert into request_audit (occurred_at, method, endpoint, status)
            select now() - %s - make_interval(secs => n), 'POST', '/v1/chat/completions', 200
            from generate_series(1, :rows) as n
            """
                .formatted(age))
        .param("rows", rows)
        .update();
  }
}
