package dev.modelyard.infra.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelyard.testing.FreshSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The key store against the real PostgreSQL of the test environment, in a schema of its own. */
class ApiKeyStoreTests {

  private FreshSchema database;
  private ApiKeyStore keys;

  @BeforeEach
  void migrate() {
    database = new FreshSchema();
    keys =
        new ApiKeyStore(
            JdbcClient.create(database.dataSource),
            new TransactionTemplate(new JdbcTransactionManager(database.dataSource)));
  }

  @AfterEach
  void drop() {
    database.close();
  }

  @Test
  void aRateLimitBelowOneIsRefusedByTheDatabase() {
    JdbcClient jdbc = JdbcClient.create(database.dataSource);

    assertThatThrownBy(
            () ->
                jdbc.sql(
                        """
                        insert into api_keys (name, key_prefix, key_hash, roles,
                            rate_limit_requests)
                        values ('hand-made', 'my-abc', 'h1', array['user'], 0)
                        """)
                    .update())
        .hasMessageContaining("api_keys_rate_limit_requests_positive");
  }

  @Test
  void replicasStartingTogetherWithOneEnvironmentKeyInsertItOnceAndNeitherFails() throws Exception {
    NewApiKey admin =
        new NewApiKey("admin", "my_abcd", "f".repeat(64), List.of("admin"), null, null, null);
    int replicas = 4;
    database.dataSource.setMaximumPoolSize(replicas);
    CyclicBarrier together = new CyclicBarrier(replicas);
    List<Future<Boolean>> inserted = new ArrayList<>();
    try (ExecutorService starting = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < replicas; i++) {
        inserted.add(
            starting.submit(
                () -> {
                  together.await();
                  return keys.createIfAbsent(admin);
                }));
      }
    }

    List<Boolean> answers = new ArrayList<>();
    for (Future<Boolean> answer : inserted) {
      answers.add(answer.get());
    }
    assertThat(answers).containsOnlyOnce(true).containsOnly(true, false);
    assertThat(keys.list()).singleElement().satisfies(k -> assertThat(k.name()).isEqualTo("admin"));
  }
}
