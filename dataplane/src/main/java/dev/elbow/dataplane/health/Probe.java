package dev.elbow.dataplane.health;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;

/** One kind of active health check. Implementations never block the event loop. */
public interface Probe {

  /**
   * Checks a member once.
   *
   * @param loop the event loop to run on; the returned future completes there
   * @param target the address and port to check
   * @return a future that always succeeds, with the result of the check; it completes within the
   *     check's timeout
   */
  Future<ProbeResult> check(EventLoop loop, InetSocketAddress target);
}
