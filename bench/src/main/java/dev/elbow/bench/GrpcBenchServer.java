package dev.elbow.bench;

import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;

/**
 * The gRPC member of {@code bench/run.sh}: grpc-java over h2c on 127.0.0.1, one unary method,
 * {@code bench.Echo/Unary}, that answers with the bytes it got (no protobuf: the load generator
 * sends a fixed, already framed message).
 *
 * <p>usage: GrpcBenchServer PORT
 */
public final class GrpcBenchServer {

  private static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  private GrpcBenchServer() {}

  public static void main(String[] args) throws Exception {
    MethodDescriptor<byte[], byte[]> unary =
        MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("bench.Echo/Unary")
            .setRequestMarshaller(BYTES)
            .setResponseMarshaller(BYTES)
            .build();
    ServerServiceDefinition service =
        ServerServiceDefinition.builder("bench.Echo")
            .addMethod(
                unary,
                ServerCalls.asyncUnaryCall(
                    (request, out) -> {
                      out.onNext(request);
                      out.onCompleted();
                    }))
            .build();
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])))
            .addService(service)
            .build()
            .start();
    server.awaitTermination();
  }
}
