package dev.pulldoctor.agent.airbyte;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Reads a response body into memory up to a limit and cancels the download beyond it, so a server
 * cannot make the agent buffer more than {@link Limits#maxBodyBytes()}.
 */
final class CappedBody implements BodySubscriber<byte[]> {
  /** Thrown (inside the body future) when the answer is larger than the limit. */
  static final class TooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    TooLargeException(int limit) {
      super("answer larger than " + limit + " bytes");
    }
  }

  private final int limit;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final CompletableFuture<byte[]> result = new CompletableFuture<>();
  private Flow.Subscription subscription = NO_SUBSCRIPTION;

  CappedBody(int limit) {
    this.limit = limit;
  }

  /** Appends a chunk; false when the limit is exceeded (the caller then stops reading). */
  static boolean append(ByteArrayOutputStream out, ByteBuffer buffer, int limit) {
    if (out.size() + buffer.remaining() > limit) {
      return false;
    }
    byte[] chunk = new byte[buffer.remaining()];
    buffer.get(chunk);
    out.write(chunk, 0, chunk.length);
    return true;
  }

  @Override
  public CompletionStage<byte[]> getBody() {
    return result;
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    this.subscription = subscription;
    subscription.request(1);
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    for (ByteBuffer buffer : buffers) {
      if (!append(out, buffer, limit)) {
        subscription.cancel();
        result.completeExceptionally(new TooLargeException(limit));
        return;
      }
    }
    subscription.request(1);
  }

  @Override
  public void onError(Throwable throwable) {
    result.completeExceptionally(throwable);
  }

  @Override
  public void onComplete() {
    result.complete(out.toByteArray());
  }

  private static final Flow.Subscription NO_SUBSCRIPTION =
      new Flow.Subscription() {
        @Override
        public void request(long n) {}

        @Override
        public void cancel() {}
      };
}
