package dev.modelyard.workers;

import dev.modelyard.testing.TestServices;
import java.util.List;

/**
 * What every in-process worker of a test needs: the test services' PostgreSQL in a schema of the
 * test's own (created by Flyway) and Temporal in a namespace of its own, as one host that also runs
 * its deployment's health checks.
 */
public final class TestWorkerProperties {

  private TestWorkerProperties() {}

  /** As {@code name=value}, for {@code SpringApplicationBuilder.properties}. */
  public static List<String> of(String schema, String namespace, String hostId) {
    return List.of(
        "modelyard.database.url=" + TestServices.get("DATABASE_URL") + "?currentSchema=" + schema,
        "spring.flyway.schemas=" + schema,
        "spring.flyway.create-schemas=true",
        "modelyard.temporal.address=" + TestServices.get("TEMPORAL_ADDRESS"),
        "modelyard.temporal.namespace=" + namespace,
        "modelyard.host-id=" + hostId,
        "modelyard.health.deployment=" + hostId);
  }
}
