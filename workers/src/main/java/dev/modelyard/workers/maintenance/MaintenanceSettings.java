package dev.modelyard.workers.maintenance;

import dev.modelyard.workflows.maintenance.CleanupPolicy;
import dev.modelyard.workflows.maintenance.MaintenanceWorkflowIds;
import java.time.Duration;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Discovery and cleanup ({@code modelyard.maintenance.*}, or {@code MODELYARD_MAINTENANCE_*}).
 * Unset durations take the defaults of {@link CleanupPolicy}, defined beside the workflow.
 *
 * @param enabled whether this worker starts the two cron workflows (it always runs their
 *     activities)
 * @param deployment names the workflows when several deployments share one Temporal namespace
 * @param discoverySchedule cron expression of discovery (Temporal's cron, UTC)
 * @param cleanupSchedule cron expression of cleanup
 * @param startRetry wait before trying again when the workflows cannot be started (server down)
 * @param executionTimeout bounds the cron workflows' whole life; unset in production, set in tests
 */
@ConfigurationProperties("modelyard.maintenance")
public record MaintenanceSettings(
    @DefaultValue("true") boolean enabled,
    String deployment,
    @DefaultValue(DEFAULT_DISCOVERY_SCHEDULE) String discoverySchedule,
    @DefaultValue(DEFAULT_CLEANUP_SCHEDULE) String cleanupSchedule,
    Duration idleTtl,
    Duration startingGrace,
    Duration partialGrace,
    Duration auditRetention,
    Duration historyRetention,
    Duration costRetention,
    Duration startRetry,
    Duration executionTimeout) {

  public static final String DEFAULT_DISCOVERY_SCHEDULE = "*/5 * * * *";
  public static final String DEFAULT_CLEANUP_SCHEDULE = "17 * * * *";
  public static final Duration DEFAULT_START_RETRY = Duration.ofSeconds(10);

  private static final Pattern CRON_FIELDS =
      Pattern.compile("[0-9A-Za-z*/,?-]+(\\s+[0-9A-Za-z*/,?-]+){4}");

  public MaintenanceSettings {
    discoverySchedule = schedule(discoverySchedule, DEFAULT_DISCOVERY_SCHEDULE, "discovery");
    cleanupSchedule = schedule(cleanupSchedule, DEFAULT_CLEANUP_SCHEDULE, "cleanup");
    startRetry = startRetry != null ? startRetry : DEFAULT_START_RETRY;
    requirePositive(startRetry, "start-retry");
    if (executionTimeout != null) {
      requirePositive(executionTimeout, "execution-timeout");
    }
    // Fail at start-up, naming the bad value, rather than when the workflows first start.
    MaintenanceWorkflowIds.discovery(deployment);
    // The compact constructor sees the parameters; the fields are assigned after it.
    policyOf(idleTtl, startingGrace, partialGrace, auditRetention, historyRetention, costRetention);
  }

  public CleanupPolicy policy() {
    return policyOf(
        idleTtl, startingGrace, partialGrace, auditRetention, historyRetention, costRetention);
  }

  public String discoveryWorkflowId() {
    return MaintenanceWorkflowIds.discovery(deployment);
  }

  public String cleanupWorkflowId() {
    return MaintenanceWorkflowIds.cleanup(deployment);
  }

  private static CleanupPolicy policyOf(
      Duration idleTtl,
      Duration startingGrace,
      Duration partialGrace,
      Duration auditRetention,
      Duration historyRetention,
      Duration costRetention) {
    try {
      return new CleanupPolicy(
          idleTtl, startingGrace, partialGrace, auditRetention, historyRetention, costRetention);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("modelyard.maintenance." + e.getMessage());
    }
  }

  private static String schedule(String value, String otherwise, String which) {
    String schedule = value == null || value.isBlank() ? otherwise : value.trim();
    // The server parses the expression; this catches what is plainly not one before it gets there:
    // Temporal takes five fields or a descriptor such as "@every 5m", after an optional CRON_TZ.
    String expression = schedule.replaceFirst("^CRON_TZ=\\S+\\s+", "");
    if (!expression.startsWith("@") && !CRON_FIELDS.matcher(expression).matches()) {
      throw new IllegalArgumentException(
          "modelyard.maintenance." + which + "-schedule is not a cron expression: '" + value + "'");
    }
    return schedule;
  }

  private static void requirePositive(Duration value, String name) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(
          "modelyard.maintenance." + name + " must be positive, was " + value);
    }
  }
}
