package dev.elbow.dataplane.proxy;

import dev.elbow.dataplane.metrics.AccessLog;
import dev.elbow.dataplane.metrics.ListenerMetrics;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.net.SocketAddress;

/**
 * The record of one HTTP/2 stream: its duration runs from the whole request, as the stream gathers
 * it, to the response handed to the stream. The request's strings are copied at once (when there is
 * an access log), since the request is released before the member answers.
 */
final class StreamRecord extends RequestRecord {

  StreamRecord(
      ListenerMetrics metrics, AccessLog accessLog, SocketAddress client, FullHttpRequest request) {
    super(metrics, accessLog);
    start = System.nanoTime();
    bytesIn = request.content().readableBytes();
    if (accessLog != null) {
      this.client = AccessLog.address(client);
      this.method = request.method().name();
      this.host = request.headers().get(HttpHeaderNames.HOST);
      this.path = request.uri();
      this.protocol = "HTTP/2";
    }
  }

  /**
   * The stream got its response ({@code status} 0: none, the client reset the stream).
   *
   * @param responseBytes the response body's length
   */
  void end(int status, long responseBytes) {
    bytesOut = responseBytes;
    finish(status);
  }
}
