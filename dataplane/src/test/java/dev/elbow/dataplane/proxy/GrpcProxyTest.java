package dev.elbow.dataplane.proxy;

import static dev.elbow.dataplane.testing.Snapshots.http2Group;
import static dev.elbow.dataplane.testing.Snapshots.httpsAndHttp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.GrpcEcho;
import dev.elbow.dataplane.testing.TestDataPlane;
import dev.elbow.dataplane.testing.TestTls;
import dev.elbow.snapshot.Algorithm;
import dev.elbow.snapshot.HealthCheckConfig;
import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * gRPC end to end through the data plane, grpc-java on both sides: a client on an HTTPS listener
 * (h2 by ALPN) or an HTTP listener (h2c), a group whose member speaks HTTP/2 (h2c). Every kind of
 * call works, a status and its message come back in the trailers, and a deadline is kept.
 */
class GrpcProxyTest {

  private TestDataPlane dataPlane;
  private GrpcEcho echo;
  private int httpsPort;
  private int httpPort;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    echo = new GrpcEcho();
    dataPlane = TestDataPlane.start();
    httpsPort = FreePorts.next();
    httpPort = FreePorts.next();
    dataPlane.apply(
        httpsAndHttp(
            httpsPort,
            httpPort,
            http2Group(
                "ns/grpc", Algorithm.LEAST_CONNECTIONS, HealthCheckConfig.DISABLED, echo.port())));
  }

  @AfterEach
  void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    dataPlane.close();
    echo.close();
  }

  private ManagedChannel channel(String listener) {
    channel =
        listener.equals("h2")
            ? Grpc.newChannelBuilderForAddress(
                    "localhost",
                    httpsPort,
                    TlsChannelCredentials.newBuilder()
                        .trustManager(TestTls.trustingTestCa())
                        .build())
                .build()
            : Grpc.newChannelBuilderForAddress(
                    "localhost", httpPort, InsecureChannelCredentials.create())
                .build();
    return channel;
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "h2c"})
  void unaryAndServerStreamingCalls(String listener) {
    ManagedChannel channel = channel(listener);
    assertThat(ClientCalls.blockingUnaryCall(channel, GrpcEcho.UNARY, options(), "hello"))
        .isEqualTo("echo hello");
    Iterator<String> counted =
        ClientCalls.blockingServerStreamingCall(channel, GrpcEcho.COUNT, options(), "500");
    List<String> all = new ArrayList<>();
    counted.forEachRemaining(all::add);
    assertThat(all).hasSize(500).startsWith("1", "2").endsWith("500");
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "h2c"})
  void clientStreamingAndBidirectionalCalls(String listener) throws Exception {
    ManagedChannel channel = channel(listener);
    Collected joined = new Collected();
    StreamObserver<String> parts =
        ClientCalls.asyncClientStreamingCall(channel.newCall(GrpcEcho.JOIN, options()), joined);
    for (int i = 0; i < 200; i++) {
      parts.onNext("x");
    }
    parts.onCompleted();
    assertThat(joined.done.get(10, TimeUnit.SECONDS)).containsExactly("x".repeat(200));

    Collected replies = new Collected();
    StreamObserver<String> chat =
        ClientCalls.asyncBidiStreamingCall(channel.newCall(GrpcEcho.CHAT, options()), replies);
    for (int i = 0; i < 1000; i++) {
      chat.onNext("m" + i);
    }
    chat.onCompleted();
    List<String> got = replies.done.get(10, TimeUnit.SECONDS);
    assertThat(got).hasSize(1000).startsWith("re: m0").endsWith("re: m999");
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "h2c"})
  void aStatusAndItsMessageComeBackInTheTrailers(String listener) {
    ManagedChannel channel = channel(listener);
    assertThatThrownBy(
            () -> ClientCalls.blockingUnaryCall(channel, GrpcEcho.FAIL, options(), "widget"))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
              assertThat(e.getStatus().getDescription()).isEqualTo("no such thing: widget");
            });
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "h2c"})
  void aDeadlineEndsTheCallAndTheNextCallsGoOn(String listener) {
    ManagedChannel channel = channel(listener);
    assertThatThrownBy(
            () ->
                ClientCalls.blockingUnaryCall(
                    channel,
                    GrpcEcho.SLOW,
                    CallOptions.DEFAULT.withDeadlineAfter(300, TimeUnit.MILLISECONDS),
                    "call"))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    // The cancelled stream is reset on both sides; the connections carry on.
    assertThat(ClientCalls.blockingUnaryCall(channel, GrpcEcho.UNARY, options(), "again"))
        .isEqualTo("echo again");
  }

  private static CallOptions options() {
    return CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  /** Gathers a call's messages until it completes. */
  private static final class Collected implements StreamObserver<String> {
    final List<String> messages = new CopyOnWriteArrayList<>();
    final CompletableFuture<List<String>> done = new CompletableFuture<>();

    @Override
    public void onNext(String value) {
      messages.add(value);
    }

    @Override
    public void onError(Throwable t) {
      done.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
      done.complete(messages);
    }
  }
}
