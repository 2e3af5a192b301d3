package dev.modelyard.api.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.api.ApiProcess;
import dev.modelyard.infra.audit.AuditCursor;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The audit log of a real API process on the real PostgreSQL, fed over HTTP by generation endpoints
 * that leave an outcome as the gateway's do ({@code StubGenerations}).
 */
class AuditLogOverHttpTests {

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Pattern REQUESTS_TOTAL =
      Pattern.compile("^llm_requests_total\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);

  private static ApiProcess api;
  private static JdbcClient jdbc;

  @BeforeAll
  static void start() {
    api = ApiProcess.start("audit_http_" + RUN, true);
    jdbc = api.bean(JdbcClient.class);
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
  }

  @Test
  void aThousandGenerationRequestsLeaveExactlyAThousandRowsAndMatchingCounters() throws Exception {
    String model = "load-" + RUN;
    List<Key> keys = new ArrayList<>();
    for (int k = 0; k < 10; k++) {
      keys.add(Key.create(api, "load-" + k));
    }
    AtomicInteger answered = new AtomicInteger();
    long started = System.nanoTime();
    try (ExecutorService clients = Executors.newFixedThreadPool(16)) {
      List<Future<?>> sent = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        String path = i % 2 == 0 ? "/v1/chat/completions" : "/api/v1/local-llm/generate";
        String body =
            "{\"model\":\"%s\",\"cached\":%s,\"stream\":%s}"
                .formatted(model, i % 4 == 0, i % 5 == 0);
        String key = keys.get(i % 10).key();
        sent.add(
            clients.submit(
                () -> {
                  if (api.post(path, body, "X-API-Key", key).statusCode() == 200) {
                    answered.incrementAndGet();
                  }
                  return null;
                }));
      }
      for (Future<?> request : sent) {
        request.get();
      }
    }
    long answeredAt = System.nanoTime();
    assertThat(answered).hasValue(1000);
    assertThat(api.bean(AuditLogLifecycle.class).log().flush(Duration.ofSeconds(30))).isTrue();
    long writtenAt = System.nanoTime();
    System.out.printf(
        "1000 requests answered in %d ms; their audit rows all written %d ms later%n",
        (answeredAt - started) / 1_000_000, (writtenAt - answeredAt) / 1_000_000);

    assertThat(count("model = ?", model)).isEqualTo(1000);
    assertThat(count("model = ? and cache_hit", model)).isEqualTo(250);
    assertThat(count("model = ? and caller = ?", model, keys.get(3).caller())).isEqualTo(100);
    assertThat(count("model = ? and endpoint = '/v1/chat/completions'", model)).isEqualTo(500);
    assertThat(
            jdbc.sql(
                    "select sum(prompt_tokens + completion_tokens) from request_audit where model = ?")
                .param(model)
                .query(Long.class)
                .single())
        .isEqualTo(10_000);

    double counted = 0;
    double hits = 0;
    Matcher series = REQUESTS_TOTAL.matcher(api.get("/actuator/prometheus").body());
    while (series.find()) {
      if (series.group(1).contains("model=\"" + model + "\"")) {
        counted += Double.parseDouble(series.group(2));
        if (series.group(1).contains("cache=\"hit\"")) {
          hits += Double.parseDouble(series.group(2));
        }
      }
    }
    assertThat(counted).isEqualTo(1000);
    assertThat(hits).isEqualTo(250);
  }

  @Test
  void theAuditEndpointFiltersByCallerModelStatusAndTimeAndPages() throws Exception {
    String model = "query-" + RUN;
    Key a = Key.create(api, "query-a");
    Key b = Key.create(api, "query-b");
    Instant before = Instant.now();
    for (int i = 0; i < 5; i++) {
      api.post("/v1/chat/completions", "{\"model\":\"%s\"}".formatted(model), "X-API-Key", a.key());
    }
    api.post("/v1/chat/completions", "{\"model\":\"%s\"}".formatted(model), "X-API-Key", b.key());
    api.post("/v1/chat/completions", "{\"status\":503}", "X-API-Key", b.key());
    api.bean(AuditLogLifecycle.class).log().flush(Duration.ofSeconds(10));

    JsonNode byModel = audit("model=" + model + "&size=2&page=1");
    assertThat(byModel.get("total").asLong()).isEqualTo(6);
    assertThat(byModel.get("total_is_exact").asBoolean()).isTrue();
    assertThat(byModel.get("page").asInt()).isEqualTo(1);
    assertThat(byModel.get("records")).hasSize(2);
    // The same page, reached by the cursor of the first.
    JsonNode first = audit("model=" + model + "&size=2");
    JsonNode second =
        audit("model=" + model + "&size=2&cursor=" + first.get("next_cursor").asString());
    assertThat(second.get("records")).isEqualTo(byModel.get("records"));
    JsonNode third =
        audit("model=" + model + "&size=2&cursor=" + second.get("next_cursor").asString());
    assertThat(third.get("records")).hasSize(2);
    assertThat(third.get("next_cursor").isNull()).as("the last page").isTrue();
    JsonNode record = byModel.get("records").get(0);
    assertThat(record.get("model").asString()).isEqualTo(model);
    assertThat(record.get("provider").asString()).isEqualTo("local_gguf");
    assertThat(record.get("instance_id").asString()).isEqualTo("stub-instance");
    assertThat(record.get("prompt_tokens").asInt()).isEqualTo(7);
    assertThat(record.get("method").asString()).isEqualTo("POST");
    assertThat(record.get("status").asInt()).isEqualTo(200);
    assertThat(record.get("prompt").isNull()).isTrue();

    String callerB = b.caller();
    JsonNode failed = audit("caller=" + callerB + "&status=503&from=" + before);
    assertThat(failed.get("total").asLong()).isEqualTo(1);
    assertThat(failed.get("records").get(0).get("model").isNull()).isTrue();
    assertThat(audit("caller=" + callerB + "&model=" + model).get("total").asLong()).isEqualTo(1);
    assertThat(audit("model=" + model + "&to=" + before).get("total").asLong()).isZero();
    // No raw key is stored anywhere.
    assertThat(count("caller like ? or caller like ?", "%" + a.key() + "%", "%" + b.key() + "%"))
        .isZero();
  }

  @Test
  void aCallRefusedForItsRolesIsAuditedUnderItsCallerAsItsAllowedCallsAre() throws Exception {
    Key viewer = Key.create(api, "refused", "viewer");

    HttpResponse<String> keys =
        api.post(
            "/api/v1/local-llm/keys",
            "{\"name\":\"not-mine\",\"roles\":[\"admin\"]}",
            "X-API-Key",
            viewer.key());
    HttpResponse<String> generation =
        api.post(
            "/v1/chat/completions",
            "{\"model\":\"refused-%s\"}".formatted(RUN),
            "X-API-Key",
            viewer.key());
    assertThat(keys.statusCode()).as(keys.body()).isEqualTo(403);
    assertThat(generation.statusCode()).as(generation.body()).isEqualTo(403);
    api.bean(AuditLogLifecycle.class).log().flush(Duration.ofSeconds(10));

    // Before, by the SHA-256 of the key, which an admin filtering by key_id never finds.
    assertThat(count("caller = ? and status = 403", viewer.caller())).isEqualTo(2);
  }

  @Test
  void badAuditParametersAreProblemsNamingTheField() throws Exception {
    for (String[] bad :
        new String[][] {
          {"from=yesterday", "from"},
          {"to=2025-13-01T00:00:00Z", "to"},
          {"status=7", "status"},
          {"status=abc", "status"},
          {"page=-1", "page"},
          {"size=0", "size"},
          {"size=5000", "size"},
          {"from=2025-03-02T00:00:00Z&to=2025-03-01T00:00:00Z", "to"},
          {"cursor=not-one-of-ours", "cursor"},
          // A cursor says where its page starts; a page number as well is a contradiction.
          {
            "page=0&cursor=" + new AuditCursor(Instant.parse("2025-03-01T00:00:00Z"), 5).encode(),
            "page"
          },
          // Java reads it; PostgreSQL's timestamps end long before.
          {"from=%2B300000-01-01T00:00:00Z", "from"}
        }) {
      HttpResponse<String> response = api.get("/api/v1/local-llm/audit?" + bad[0]);
      assertThat(response.statusCode()).as(bad[0]).isEqualTo(400);
      JsonNode problem = JSON.readTree(response.body());
      assertThat(problem.get("field").asString()).as(bad[0]).isEqualTo(bad[1]);
      assertThat(problem.get("detail").asString()).as(bad[0]).contains(bad[1]);
    }
  }

  @Test
  void stoppingTheApplicationMidLoadLosesNoRowOfAnAnsweredRequest() throws Exception {
    String schema = "audit_stop_" + RUN;
    ApiProcess stopping = ApiProcess.start(schema, true, "modelyard.audit.record-bodies=true");
    Set<String> answered = ConcurrentHashMap.newKeySet();
    AtomicInteger sent = new AtomicInteger();
    try (ExecutorService clients = Executors.newFixedThreadPool(8)) {
      for (int client = 0; client < 8; client++) {
        clients.submit(
            () -> {
              while (true) {
                // Each request names a model of its own, so its row can be found.
                String model = "stop-" + sent.incrementAndGet();
                try {
                  HttpResponse<String> response =
                      stopping.post(
                          "/v1/chat/completions",
                          "{\"model\":\"%s\",\"prompt_tokens\":1}".formatted(model));
                  if (response.statusCode() == 200) {
                    answered.add(model);
                  }
                } catch (Exception e) {
                  return null; // the server has gone away
                }
              }
            });
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (answered.size() < 300 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      stopping.close();
    }
    assertThat(answered.size()).isGreaterThanOrEqualTo(300);

    JdbcClient database = jdbc; // the same database, another schema
    List<String> models =
        database
            .sql("select model from " + schema + ".request_audit where model like 'stop-%'")
            .query(String.class)
            .list();
    assertThat(models).doesNotHaveDuplicates();
    assertThat(Set.copyOf(models)).containsAll(answered);
    System.out.printf(
        "stopped mid-load: %d answered, %d recorded, %d sent%n",
        answered.size(), models.size(), sent.get());
    String prompt =
        database
            .sql("select prompt || ' / ' || response from " + schema + ".request_audit limit 1")
            .query(String.class)
            .single();
    assertThat(prompt).contains("\"model\":\"stop-").contains("stub answer");
  }

  private static JsonNode audit(String query) throws Exception {
    HttpResponse<String> response = api.get("/api/v1/local-llm/audit?" + query);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static long count(String where, Object... params) {
    var sql = jdbc.sql("select count(*) from request_audit where " + where);
    for (Object param : params) {
      sql = sql.param(param);
    }
    return sql.query(Long.class).single();
  }

  /** A real API key of role user, created by the admin, and the caller the audit names for it. */
  record Key(String key, String caller) {

    static Key create(ApiProcess api, String name) throws Exception {
      return create(api, name, "user");
    }

    static Key create(ApiProcess api, String name, String role) throws Exception {
      HttpResponse<String> created =
          api.post(
              "/api/v1/local-llm/keys",
              "{\"name\":\"%s-%s\",\"roles\":[\"%s\"]}".formatted(name, RUN, role));
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      JsonNode body = JSON.readTree(created.body());
      return new Key(
          body.get("key").asString(), "key:" + body.get("details").get("key_id").asString());
    }
  }
}
