package dev.modelyard.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.modelyard.testing.TestNamespace;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * A key that is not cached while the key store cannot answer (its table taken away, on the test
 * PostgreSQL): a 503 saying so and when to try again on every path, generation or not, never a 500
 * or a 401, with one warning for the outage rather than one per request; and the key works again
 * once the store answers.
 */
class KeyStoreOutageTests {

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String SCHEMA = "security_outage_" + RUN;
  private static final String NAMESPACE = "modelyard-security-outage-" + RUN;
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static SecuredApi api;

  @BeforeAll
  static void start() {
    TestNamespace.create(NAMESPACE);
    api = SecuredApi.start(SCHEMA, NAMESPACE);
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
    TestNamespace.delete(NAMESPACE);
  }

  @Test
  void aKeyThatCannotBeCheckedNowIsA503OnEveryPath() throws Exception {
    String key = api.keyWithRoles("outage-" + RUN, Role.USER, Role.VIEWER);
    JdbcTemplate jdbc = new JdbcTemplate(api.bean(DataSource.class));
    jdbc.execute("alter table " + SCHEMA + ".api_keys rename to api_keys_away");
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    Logger logger = (Logger) LoggerFactory.getLogger(SecurityErrorResponses.class);
    logs.start();
    logger.addAppender(logs);
    HttpResponse<String> models;
    HttpResponse<String> openAi;
    HttpResponse<String> generation;
    try {
      models = api.send("GET", "/api/v1/local-llm/models", null, "X-API-Key", key);
      openAi = api.send("GET", "/v1/models", null, "Authorization", "Bearer " + key);
      generation = api.send("POST", "/v1/chat/completions", "{}", "Authorization", "Bearer " + key);
    } finally {
      jdbc.execute("alter table " + SCHEMA + ".api_keys_away rename to api_keys");
      logger.detachAppender(logs);
    }

    assertThat(models.statusCode()).as(models.body()).isEqualTo(503);
    assertThat(models.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(JSON.readTree(models.body()).get("detail").asString())
        .contains("cannot be checked now");
    assertThat(openAi.statusCode()).as(openAi.body()).isEqualTo(503);
    assertThat(JSON.readTree(openAi.body()).at("/error/code").asString())
        .isEqualTo("service_unavailable");
    assertThat(generation.statusCode()).as(generation.body()).isEqualTo(503);
    for (HttpResponse<String> refused : List.of(models, openAi, generation)) {
      assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
    }
    assertThat(logs.list)
        .filteredOn(event -> event.getLevel() == Level.WARN)
        .singleElement()
        .satisfies(
            warning ->
                assertThat(warning.getFormattedMessage()).contains("cannot be authenticated now"));
    assertThat(api.send("GET", "/api/v1/local-llm/models", null, "X-API-Key", key).statusCode())
        .isEqualTo(200);
  }
}
