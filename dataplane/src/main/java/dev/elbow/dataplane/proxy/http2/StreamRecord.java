package dev.elbow.dataplane.proxy.http2;

import dev.elbow.dataplane.metrics.AccessLog;
import dev.elbow.dataplane.metrics.ListenerMetrics;
import dev.elbow.dataplane.proxy.RequestRecord;
import io.netty.handler.codec.http2.Http2Headers;
import java.net.SocketAddress;

/**
 * The record of one HTTP/2 stream: from its request head to the end of the response (or the
 * stream's reset), with the body bytes counted as they pass.
 */
final class StreamRecord extends RequestRecord {

  private int status;
  private boolean ended;

  StreamRecord(
      ListenerMetrics metrics,
      AccessLog accessLog,
      SocketAddress client,
      Http2Headers request,
      String protocol) {
    super(metrics, accessLog);
    start = System.nanoTime();
    if (accessLog != null) {
      this.client = AccessLog.address(client);
      this.method = String.valueOf(request.method());
      CharSequence authority =
          request.authority() != null ? request.authority() : request.get("host");
      this.host = authority == null ? null : authority.toString();
      this.path = String.valueOf(request.path() != null ? request.path() : request.authority());
      this.protocol = protocol;
    }
  }

  void requestBytes(int n) {
    bytesIn += n;
  }

  void responseBytes(int n) {
    bytesOut += n;
  }

  /** The status the client was sent. */
  void status(int value) {
    status = value;
  }

  /** The exchange is over (status 0 when none went out: the stream was reset first). */
  void end() {
    if (!ended) {
      ended = true;
      finish(status);
    }
  }
}
