package dev.modelyard.api.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.infra.registry.ModelRegistry;
import dev.modelyard.testing.FreshSchema;
import dev.modelyard.workflows.TaskQueues;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Which hosts' queues the task-queue gauges watch, against real PostgreSQL. */
class TaskQueueHostsTests {

  @Test
  void theQueuesOfHostsSeenInTheLastDayAreWatchedNotThoseOfEveryHostEver() {
    try (FreshSchema schema = new FreshSchema()) {
      JdbcClient jdbc = JdbcClient.create(schema.dataSource);
      jdbc.sql(
              """
            insert into hosts (host_id, task_queue, last_seen)
            values ('up', 'q', now()),
                   ('down-an-hour', 'q', now() - interval '1 hour'),
                   ('node-replaced-last-week', 'q', now() - interval '7 days')
            """)
          .update();

      assertThat(MetricsConfiguration.hostQueues(new ModelRegistry(jdbc)))
          .containsExactly(
              TaskQueues.host("down-an-hour"),
              TaskQueues.transfers("down-an-hour"),
              TaskQueues.stops("down-an-hour"),
              TaskQueues.host("up"),
              TaskQueues.transfers("up"),
              TaskQueues.stops("up"));
    }
  }
}
