package dev.modelyard.infra.registry;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Whether an instance is already ready at an endpoint: how a retried "mark it ready" knows that its
 * first attempt did it, when that attempt's answer was lost.
 */
final class ReadyAt {

  private ReadyAt() {}

  static boolean endpoint(JdbcClient jdbc, String instanceId, String endpoint) {
    return jdbc.sql(
            """
            select exists (select 1 from model_instances
                where instance_id = :instanceId and state = 'ready' and endpoint = :endpoint)
            """)
        .param("instanceId", instanceId)
        .param("endpoint", endpoint)
        .query(Boolean.class)
        .single();
  }
}
