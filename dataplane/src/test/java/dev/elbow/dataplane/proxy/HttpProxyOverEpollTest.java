package dev.elbow.dataplane.proxy;

import dev.elbow.dataplane.transport.Transport;
import org.junit.jupiter.api.Assumptions;

/** {@link HttpProxyTest} on the epoll transport. */
class HttpProxyOverEpollTest extends HttpProxyTest {

  @Override
  protected Transport transport() {
    try {
      return Transport.named("epoll");
    } catch (IllegalArgumentException unavailable) {
      Assumptions.abort(unavailable.getMessage());
      return null;
    }
  }
}
