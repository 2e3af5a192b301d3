package dev.modelyard.api.audit;

import dev.modelyard.infra.audit.AuditLog;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the audit writer before the web server takes requests and closes it after the server has
 * stopped, so that every request that got a response has its record written on a clean shutdown.
 * Lifecycles stop from the highest phase down: the web server's graceful shutdown ({@code
 * DEFAULT_PHASE - 1024}) waits for requests in flight, then the server stops ({@code DEFAULT_PHASE
 * - 2048}), and only then does this one drain the queue; the DataSource closes after every
 * lifecycle has stopped.
 */
final class AuditLogLifecycle implements SmartLifecycle {

  static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

  private final AuditLog log;
  private volatile boolean running;

  AuditLogLifecycle(AuditLog log) {
    this.log = log;
  }

  AuditLog log() {
    return log;
  }

  @Override
  public void start() {
    log.start();
    running = true;
  }

  @Override
  public void stop() {
    try {
      log.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      running = false;
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }
}
