package dev.pulldoctor.agent.cli;

import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Works around a deadlock in fabric8's mock API server (kubernetes-server-mock 7.9 and 8.0): when a
 * watch connection breaks while the mock is sending it an event, the mock's {@code
 * WatchEventsListener.onFailure} waits on Vert.x's only event loop for its send thread, and the
 * send thread waits for the event loop to finish the write. Nothing moves until the write gives up
 * after 30 s: the whole mock API stops answering, and a test of the daemon's recovery from an
 * outage then measures the mock's freeze (seen as "VertxMockWebSocket write did not complete within
 * 30s" and Vert.x's blocked-thread warnings). This listener hands the failure to a thread of its
 * own and forwards everything else as it comes.
 */
final class WatchFailureHandoff extends WebSocketListener {
  private final WebSocketListener delegate;
  private final ExecutorService failures;
  private final Set<WebSocket> open;

  private WatchFailureHandoff(
      WebSocketListener delegate, ExecutorService failures, Set<WebSocket> open) {
    this.delegate = delegate;
    this.failures = failures;
    this.open = open;
  }

  /** One thread for every watch of a mock server; shut it down with the server. */
  static ExecutorService failureThread() {
    return Executors.newSingleThreadExecutor(
        runnable -> {
          Thread thread = new Thread(runnable, "mock-api-watch-failures");
          thread.setDaemon(true);
          return thread;
        });
  }

  /**
   * {@code response} with its watch listener wrapped, if it upgrades to a WebSocket; the watch is
   * in {@code open} while it is.
   */
  static MockResponse wrap(MockResponse response, ExecutorService failures, Set<WebSocket> open) {
    WebSocketListener listener = response.getWebSocketListener();
    if (listener == null) {
      return response;
    }
    return response.withWebSocketUpgrade(new WatchFailureHandoff(listener, failures, open));
  }

  @Override
  public void onBeforeAccept(WebSocket webSocket, Response response) {
    delegate.onBeforeAccept(webSocket, response);
  }

  @Override
  public void onOpen(WebSocket webSocket, Response response) {
    open.add(webSocket);
    delegate.onOpen(webSocket, response);
  }

  @Override
  public void onMessage(WebSocket webSocket, String text) {
    delegate.onMessage(webSocket, text);
  }

  @Override
  public void onMessage(WebSocket webSocket, byte[] bytes) {
    delegate.onMessage(webSocket, bytes);
  }

  @Override
  public void onClosing(WebSocket webSocket, int code, String reason) {
    delegate.onClosing(webSocket, code, reason);
  }

  @Override
  public void onClosed(WebSocket webSocket, int code, String reason) {
    open.remove(webSocket);
    delegate.onClosed(webSocket, code, reason);
  }

  @Override
  public void onFailure(WebSocket webSocket, Throwable failure, Response response) {
    open.remove(webSocket);
    failures.execute(() -> delegate.onFailure(webSocket, failure, response));
  }
}
