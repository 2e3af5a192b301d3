package dev.modelyard.testing;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Points an application under test at a schema of its own on the test PostgreSQL, which Flyway
 * creates and migrates, so that test classes sharing the server never see each other's rows.
 */
public final class FreshSchemaProperties {

  private FreshSchemaProperties() {}

  public static void register(DynamicPropertyRegistry properties, String schema) {
    properties.add(
        "modelyard.database.url",
        () -> TestServices.get("DATABASE_URL") + "?currentSchema=" + schema);
    properties.add("spring.flyway.schemas", () -> schema);
    properties.add("spring.flyway.create-schemas", () -> "true");
  }
}
