package dev.modelyard.infra.calls;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A blocking call that may hang on something outside (a wedged server, a hung Docker engine), run
 * on a virtual thread of its own so that its caller waits at most a deadline. Past it, or when the
 * caller is interrupted, the call's thread is interrupted: what it blocks in decides whether that
 * ends it at once (an HTTP client's send does) or only later.
 */
public final class CallWithin {

  private CallWithin() {}

  /**
   * @throws ExecutionException the call failed; its cause is what it threw
   */
  public static <T> T call(String threadName, Duration deadline, Callable<T> call)
      throws TimeoutException, InterruptedException, ExecutionException {
    FutureTask<T> task = new FutureTask<>(call);
    Thread.ofVirtual().name(threadName).start(task);
    try {
      return task.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | InterruptedException e) {
      task.cancel(true);
      throw e;
    }
  }
}
