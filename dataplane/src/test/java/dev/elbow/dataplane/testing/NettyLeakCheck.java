package dev.elbow.dataplane.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class that leaked a Netty buffer. The build runs tests with leak detection at {@code
 * paranoid}, which tracks every buffer; this extension collects what the detector reports and,
 * after each class, forces the reports out and asserts there were none. Registered for every test
 * class through JUnit's extension auto-detection.
 */
public final class NettyLeakCheck implements AfterAllCallback {

  private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

  static {
    ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    // Leaks are reported when a leaked buffer has been collected and the detector next runs.
    for (int i = 0; i < 5; i++) {
      System.gc();
      ByteBuf probe = PooledByteBufAllocator.DEFAULT.directBuffer(64);
      probe.release();
    }
    List<String> found = List.copyOf(LEAKS);
    LEAKS.clear();
    assertThat(found).as("Netty buffers leaked by %s", context.getDisplayName()).isEmpty();
  }

  private static final class RecordingFactory extends ResourceLeakDetectorFactory {
    @Override
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(
        Class<T> resource, int samplingInterval, long maxActive) {
      return new ResourceLeakDetector<>(resource, samplingInterval) {
        @Override
        protected void reportTracedLeak(String resourceType, String records) {
          LEAKS.add(resourceType + " leaked:" + records);
          super.reportTracedLeak(resourceType, records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
          LEAKS.add(resourceType + " leaked");
          super.reportUntracedLeak(resourceType);
        }
      };
    }
  }
}
