package io.mqttdispatcher.probe.metrics;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;

/**
 * A response body read into memory up to a limit: a larger body (by its Content-Length, or as it
 * arrives) fails the read and cancels the rest, so a huge or endless answer costs at most the
 * limit. {@link #cancel()} stops a body that is too slow.
 */
final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
  private final int maxBytes;
  private final long declaredLength;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final CompletableFuture<byte[]> result = new CompletableFuture<>();
  private volatile Flow.@Nullable Subscription subscription;

  /**
   * @param declaredLength the Content-Length, or -1
   */
  BoundedBody(int maxBytes, long declaredLength) {
    this.maxBytes = maxBytes;
    this.declaredLength = declaredLength;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    if (declaredLength > maxBytes) {
      tooLarge();
      return;
    }
    s.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    if (result.isDone()) {
      return;
    }
    for (ByteBuffer b : buffers) {
      if ((long) bytes.size() + b.remaining() > maxBytes) {
        tooLarge();
        return;
      }
      byte[] chunk = new byte[b.remaining()];
      b.get(chunk);
      bytes.write(chunk, 0, chunk.length);
    }
  }

  private void tooLarge() {
    result.completeExceptionally(
        new BodyTooLargeException("the body is larger than " + maxBytes + " bytes"));
    cancel(); // after: the reason is the size, not the cancel
  }

  /** Stops reading; the body's future fails if it had not completed. */
  void cancel() {
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
    result.completeExceptionally(new IOException("body read cancelled"));
  }

  @Override
  public void onError(Throwable t) {
    result.completeExceptionally(t);
  }

  @Override
  public void onComplete() {
    result.complete(bytes.toByteArray());
  }

  @Override
  public CompletionStage<byte[]> getBody() {
    return result;
  }

  /** The body went past the limit. */
  static final class BodyTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    BodyTooLargeException(String message) {
      super(message);
    }
  }
}
