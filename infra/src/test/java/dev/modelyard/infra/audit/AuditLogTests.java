package dev.modelyard.infra.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.testing.FreshSchema;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The audit writer against real PostgreSQL, with records it cannot store as they are. */
@Timeout(60)
class AuditLogTests {

  private static FreshSchema database;

  @BeforeAll
  static void migrate() {
    database = new FreshSchema();
  }

  @AfterAll
  static void drop() {
    database.close();
  }

  @Test
  void aRecordTheDatabaseRefusesIsLeftOutAndTheRestOfItsBatchIsWritten() throws Exception {
    AuditLog audit = new AuditLog(database.dataSource, 100, 10, Duration.ofSeconds(5));
    // numeric(14, 6) holds less than a hundred million dollars: this cost can never be stored.
    audit.record(record("/before", BigDecimal.ONE, "a prompt"));
    audit.record(record("/refused", new BigDecimal("1000000000"), "a prompt"));
    audit.record(record("/nul", BigDecimal.ONE, "a \0 in UTF-16 bodies read as UTF-8"));
    audit.record(record("/after", BigDecimal.ONE, "a prompt"));
    audit.start();

    assertThat(audit.flush(Duration.ofSeconds(20))).as("every record dealt with").isTrue();
    audit.record(record("/later", BigDecimal.ONE, "a prompt"));
    assertThat(audit.flush(Duration.ofSeconds(20))).as("the writer goes on").isTrue();
    audit.close();

    List<String> stored =
        JdbcClient.create(database.dataSource)
            .sql("select endpoint from request_audit order by audit_id")
            .query(String.class)
            .list();
    assertThat(stored).containsExactly("/before", "/nul", "/after", "/later");
    assertThat(audit.dropped()).isEqualTo(1);
    assertThat(
            JdbcClient.create(database.dataSource)
                .sql("select prompt from request_audit where endpoint = '/nul'")
                .query(String.class)
                .single())
        .isEqualTo("a \uFFFD in UTF-16 bodies read as UTF-8");
  }

  private static AuditRecord record(String endpoint, BigDecimal cost, String prompt) {
    return new AuditRecord(
        Instant.now(),
        "tester",
        "POST",
        endpoint,
        "model",
        "ollama",
        "instance",
        1,
        1,
        5,
        200,
        false,
        cost,
        prompt,
        "an answer");
  }
}
