package dev.modelyard.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.testing.TestNamespace;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Two API replicas on the real PostgreSQL and Redis, as behind a load balancer: a key revoked
 * through one stops working on the other within a second, although the other had it cached.
 */
class RevocationAcrossReplicasTests {

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final String NAMESPACE = "modelyard-security-revoke-" + RUN;
  private static final Duration WITHIN = Duration.ofSeconds(1);

  private static SecuredApi first;
  private static SecuredApi second;

  @BeforeAll
  static void start() {
    TestNamespace.create(NAMESPACE);
    String schema = "security_revoke_" + RUN;
    first = SecuredApi.start(schema, NAMESPACE);
    second = SecuredApi.start(schema, NAMESPACE);
  }

  @AfterAll
  static void stop() {
    if (first != null) {
      first.close();
    }
    if (second != null) {
      second.close();
    }
    TestNamespace.delete(NAMESPACE);
  }

  @Test
  void aKeyRevokedOnOneReplicaStopsWorkingOnTheOtherWithinASecond() throws Exception {
    JsonNode created = first.createKey("{\"name\":\"shared\",\"roles\":[\"user\"]}");
    String key = created.get("key").asString();
    // Both replicas have used, and so cached, the key.
    assertThat(first.send("GET", "/v1/models", null, "X-API-Key", key).statusCode()).isEqualTo(200);
    assertThat(second.send("GET", "/v1/models", null, "X-API-Key", key).statusCode())
        .isEqualTo(200);

    assertThat(
            first
                .asAdmin(
                    "DELETE",
                    "/api/v1/local-llm/keys/" + created.at("/details/key_id").asString(),
                    null)
                .statusCode())
        .isEqualTo(200);
    long revokedAt = System.nanoTime();

    int status;
    do {
      status = second.send("GET", "/v1/models", null, "X-API-Key", key).statusCode();
    } while (status == 200 && System.nanoTime() - revokedAt < WITHIN.toNanos() * 3);
    Duration took = Duration.ofNanos(System.nanoTime() - revokedAt);

    assertThat(status).isEqualTo(401);
    assertThat(took).as("revocation reached the other replica").isLessThan(WITHIN);
    assertThat(first.send("GET", "/v1/models", null, "X-API-Key", key).statusCode()).isEqualTo(401);
    System.out.println("revocation reached the other replica in " + took.toMillis() + " ms");
  }
}
