package dev.modelyard.infra.providers.cloud;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * At most the first {@code limit} bytes of a body: once it has them it cancels the rest, which the
 * client then never reads (an error's body is kept for a message only, and may be endless).
 */
final class FirstBytes implements HttpResponse.BodySubscriber<byte[]> {

  private final int limit;
  private final ByteArrayOutputStream kept;
  private final CompletableFuture<byte[]> body = new CompletableFuture<>();
  private Flow.Subscription subscription;

  FirstBytes(int limit) {
    this.limit = limit;
    this.kept = new ByteArrayOutputStream(limit);
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    this.subscription = subscription;
    subscription.request(1);
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    for (ByteBuffer buffer : buffers) {
      int taken = Math.min(buffer.remaining(), limit - kept.size());
      byte[] bytes = new byte[taken];
      buffer.get(bytes);
      kept.writeBytes(bytes);
    }
    if (kept.size() < limit) {
      subscription.request(1);
    } else {
      subscription.cancel();
      body.complete(kept.toByteArray());
    }
  }

  @Override
  public void onError(Throwable failure) {
    body.completeExceptionally(failure);
  }

  @Override
  public void onComplete() {
    body.complete(kept.toByteArray());
  }

  @Override
  public CompletionStage<byte[]> getBody() {
    return body;
  }
}
