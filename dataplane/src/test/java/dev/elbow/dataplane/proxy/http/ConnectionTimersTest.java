package dev.elbow.dataplane.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/**
 * The per-connection timers of the HTTP proxy must not outlive their connection: a pending check
 * holds the whole closed connection in memory until it fires, which at thousands of connections per
 * second filled the heap and stretched the latency tail to hundreds of milliseconds.
 */
class ConnectionTimersTest {

  private static final long NONE = -1;

  @Test
  void headDeadlineSchedulesOneCheckAndStopCancelsIt() {
    EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
    HeadDeadline deadline = new HeadDeadline(60, 60, () -> {}, () -> {});

    deadline.start(channel.pipeline().firstContext());
    assertThat(channel.runScheduledPendingTasks()).as("a check is pending").isNotEqualTo(NONE);

    deadline.stop();
    assertThat(channel.runScheduledPendingTasks()).as("nothing left scheduled").isEqualTo(NONE);
    channel.finishAndReleaseAll();
  }

  @Test
  void backendConnectionCancelsItsCheckWhenItCloses() {
    EmbeddedChannel channel = new EmbeddedChannel(new HttpBackendHandler(null, 15));
    assertThat(channel.runScheduledPendingTasks()).as("a check is pending").isNotEqualTo(NONE);

    channel.close();
    assertThat(channel.runScheduledPendingTasks()).as("nothing left scheduled").isEqualTo(NONE);
    channel.finishAndReleaseAll();
  }
}
