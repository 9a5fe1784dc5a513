package dev.elbow.dataplane.proxy.http;

import dev.elbow.dataplane.metrics.AccessLog;
import dev.elbow.dataplane.metrics.ErrorKind;
import dev.elbow.dataplane.metrics.ListenerMetrics;
import dev.elbow.dataplane.proxy.RequestRecord;
import io.netty.buffer.ByteBuf;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The record of the HTTP/1 exchanges of one client connection, reused for every exchange: counting
 * and timing only write fields and add to counters resolved in advance, so a request allocates
 * nothing here unless the access log is on. An exchange's duration runs from its complete request
 * head to the last byte of its response handed to the client connection.
 */
final class ExchangeRecorder extends RequestRecord {

  private boolean open;
  private int status;

  ExchangeRecorder(ListenerMetrics listener, AccessLog accessLog) {
    super(listener, accessLog);
  }

  /** The listener's counters, which connect failures are counted in. */
  ListenerMetrics listener() {
    return listener;
  }

  void client(SocketAddress remote) {
    if (accessLog != null) {
      client = AccessLog.address(remote);
    }
  }

  /** A complete request head, from the reader index of {@code in} to {@code end}. */
  void head(ByteBuf in, Http1Head head, int end) {
    open = true;
    start = System.nanoTime();
    bytesIn = end - in.readerIndex();
    if (accessLog != null) {
      method = text(in, head.methodStart, head.methodEnd);
      path = text(in, head.targetStart, head.targetEnd);
      protocol = head.http10 ? "HTTP/1.0" : "HTTP/1.1";
      for (int i = 0; i < head.headerCount; i++) {
        if (head.kind[i] == KnownHeaders.HOST) {
          host = text(in, head.valueStart[i], head.valueEnd[i]);
        }
      }
    }
  }

  private static String text(ByteBuf buf, int start, int end) {
    return buf.toString(start, end - start, StandardCharsets.ISO_8859_1);
  }

  void requestBytes(int n) {
    bytesIn += n;
  }

  void responseBytes(int n) {
    bytesOut += n;
  }

  /** The status of the response the client gets. */
  void status(int code) {
    open = true;
    status = code;
  }

  @Override
  public void noteError(ErrorKind kind) {
    open = true;
    super.noteError(kind);
  }

  /** The exchange is over, answered or abandoned; counted and logged if one was under way. */
  void end() {
    if (!open) {
      return;
    }
    finish(status);
    open = false;
    status = 0;
    start = 0;
    bytesIn = 0;
    bytesOut = 0;
    method = null;
    host = null;
    path = null;
    protocol = null;
  }
}
