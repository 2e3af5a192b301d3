package dev.modelyard.infra.costs;

import dev.modelyard.testing.FreshSchema;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A started {@link CostLedger} on a schema of its own, with no cost records at the start of each
 * test, on a clock that the test moves (mid-March 2025 to begin with).
 */
@Timeout(60)
abstract class LedgerOnFreshSchema {

  static final Instant MID_MARCH = Instant.parse("2025-03-15T12:00:00Z");

  static FreshSchema database;

  final MutableClock clock = new MutableClock(MID_MARCH);
  CostLedger ledger;

  @BeforeAll
  static void migrate() {
    database = new FreshSchema();
  }

  @AfterAll
  static void drop() {
    database.close();
  }

  @BeforeEach
  void startLedger() {
    JdbcClient.create(database.dataSource).sql("truncate cost_records").update();
    ledger = new CostLedger(database.dataSource, clock);
    ledger.start();
  }

  @AfterEach
  void closeLedger() throws InterruptedException {
    ledger.close();
  }
}
