package dev.modelyard.api.audit;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The audit log ({@code modelyard.audit.*}).
 *
 * @param recordBodies whether a served generation's request and response bodies are kept (off:
 *     prompts are the users' data); headers, where keys travel, never are
 * @param bodyLimit how much of each body is kept when they are
 * @param queueCapacity records waiting for the writer at most; beyond it a record is dropped and
 *     counted rather than slowing a request
 * @param closeWait how long a clean shutdown waits for the database to take what is queued
 */
@ConfigurationProperties("modelyard.audit")
record AuditSettings(
    @DefaultValue("false") boolean recordBodies,
    @DefaultValue("16KB") DataSize bodyLimit,
    @DefaultValue("10000") int queueCapacity,
    @DefaultValue("500") int batchSize,
    @DefaultValue("30s") Duration closeWait) {

  AuditSettings {
    if (bodyLimit.toBytes() < 0 || bodyLimit.toBytes() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("modelyard.audit.body-limit out of range: " + bodyLimit);
    }
    if (queueCapacity < 1) {
      throw new IllegalArgumentException(
          "modelyard.audit.queue-capacity must be at least 1, was " + queueCapacity);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException(
          "modelyard.audit.batch-size must be at least 1, was " + batchSize);
    }
  }
}
