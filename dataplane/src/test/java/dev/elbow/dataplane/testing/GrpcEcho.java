package dev.elbow.dataplane.testing;

import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A gRPC server (grpc-java, h2c on loopback) with one method of each kind, whose messages are plain
 * UTF-8 strings (no protobuf needed): {@code Unary} echoes, {@code Count} streams 1..n back, {@code
 * Join} joins a client stream, {@code Chat} echoes each message of a bidirectional stream, {@code
 * Fail} answers NOT_FOUND, and {@code Slow} answers after 3 s, for deadlines; beside them,
 * grpc-java's own {@code grpc.health.v1} service ({@link #health()}).
 */
public final class GrpcEcho implements AutoCloseable {

  public static final MethodDescriptor.Marshaller<String> TEXT =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
          return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
          try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  public static final MethodDescriptor<String, String> UNARY =
      method("Unary", MethodDescriptor.MethodType.UNARY);
  public static final MethodDescriptor<String, String> COUNT =
      method("Count", MethodDescriptor.MethodType.SERVER_STREAMING);
  public static final MethodDescriptor<String, String> JOIN =
      method("Join", MethodDescriptor.MethodType.CLIENT_STREAMING);
  public static final MethodDescriptor<String, String> CHAT =
      method("Chat", MethodDescriptor.MethodType.BIDI_STREAMING);
  public static final MethodDescriptor<String, String> FAIL =
      method("Fail", MethodDescriptor.MethodType.UNARY);
  public static final MethodDescriptor<String, String> SLOW =
      method("Slow", MethodDescriptor.MethodType.UNARY);

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final Server server;
  private final HealthStatusManager health = new HealthStatusManager();

  public GrpcEcho() throws IOException {
    ServerServiceDefinition service =
        ServerServiceDefinition.builder("test.Echo")
            .addMethod(
                UNARY,
                ServerCalls.asyncUnaryCall(
                    (request, out) -> {
                      out.onNext("echo " + request);
                      out.onCompleted();
                    }))
            .addMethod(
                COUNT,
                ServerCalls.asyncServerStreamingCall(
                    (request, out) -> {
                      for (int i = 1; i <= Integer.parseInt(request); i++) {
                        out.onNext(Integer.toString(i));
                      }
                      out.onCompleted();
                    }))
            .addMethod(
                JOIN,
                ServerCalls.asyncClientStreamingCall(
                    (StreamObserver<String> out) ->
                        new StreamObserver<String>() {
                          private final StringBuilder joined = new StringBuilder();

                          @Override
                          public void onNext(String value) {
                            joined.append(value);
                          }

                          @Override
                          public void onError(Throwable t) {}

                          @Override
                          public void onCompleted() {
                            out.onNext(joined.toString());
                            out.onCompleted();
                          }
                        }))
            .addMethod(
                CHAT,
                ServerCalls.asyncBidiStreamingCall(
                    (StreamObserver<String> out) ->
                        new StreamObserver<String>() {
                          @Override
                          public void onNext(String value) {
                            out.onNext("re: " + value);
                          }

                          @Override
                          public void onError(Throwable t) {}

                          @Override
                          public void onCompleted() {
                            out.onCompleted();
                          }
                        }))
            .addMethod(
                FAIL,
                ServerCalls.asyncUnaryCall(
                    (request, out) ->
                        out.onError(
                            Status.NOT_FOUND
                                .withDescription("no such thing: " + request)
                                .asRuntimeException())))
            .addMethod(
                SLOW,
                ServerCalls.asyncUnaryCall(
                    (request, out) ->
                        timer.schedule(
                            () -> {
                              out.onNext("slow " + request);
                              out.onCompleted();
                            },
                            3,
                            TimeUnit.SECONDS)))
            .build();
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(service)
            .addService(health.getHealthService())
            .build()
            .start();
  }

  private static MethodDescriptor<String, String> method(
      String name, MethodDescriptor.MethodType type) {
    return MethodDescriptor.<String, String>newBuilder()
        .setType(type)
        .setFullMethodName(MethodDescriptor.generateFullMethodName("test.Echo", name))
        .setRequestMarshaller(TEXT)
        .setResponseMarshaller(TEXT)
        .build();
  }

  /** grpc-java's health service on this server: set what it answers per service name. */
  public HealthStatusManager health() {
    return health;
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    timer.shutdownNow();
  }
}
