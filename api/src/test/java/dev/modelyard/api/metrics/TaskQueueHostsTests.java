package dev.modelyard.api.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelyard.testing.FreshSchema;
import dev.modelyard.workflows.TaskQueues;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Which hosts' queues the task-queue gauges watch, against real PostgreSQL. */
class TaskQueueHostsTests {

  private static FreshSchema schema;

  @BeforeAll
  static void migrate() {
    schema = new FreshSchema();
  }

  @AfterAll
  static void drop() {
    schema.close();
  }

  @Test
  void theQueuesOfHostsSeenInTheLastDayAreWatchedNotThoseOfEveryHostEver() {
    JdbcClient jdbc = JdbcClient.create(schema.dataSource);
    jdbc.sql(
            """
            insert into hosts (host_id, task_queue, last_seen)
            values ('up', 'q', now()),
                   ('down-an-hour', 'q', now() - interval '1 hour'),
                   ('node-replaced-last-week', 'q', now() - interval '7 days')
            """)
        .update();

    assertThat(MetricsConfiguration.hostQueues(jdbc))
        .containsExactly(
            TaskQueues.host("down-an-hour"),
            TaskQueues.transfers("down-an-hour"),
            TaskQueues.stops("down-an-hour"),
            TaskQueues.host("up"),
            TaskQueues.transfers("up"),
            TaskQueues.stops("up"));
  }
}
