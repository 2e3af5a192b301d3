package dev.modelyard.infra.postgres;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The identity of the deployment a database belongs to, made once by its migrations: every replica
 * reading the same database answers the same, and another deployment (or another schema) another.
 */
public record DeploymentIdentity(String id) {

  public static DeploymentIdentity read(JdbcClient jdbc) {
    return new DeploymentIdentity(
        jdbc.sql("select deployment_id from deployment_identity").query(String.class).single());
  }
}
