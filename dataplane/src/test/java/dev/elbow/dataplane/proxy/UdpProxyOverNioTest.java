package dev.elbow.dataplane.proxy;

import dev.elbow.dataplane.transport.Transport;

/** The UDP proxy tests on Java NIO: one socket per port, no SO_REUSEPORT. */
class UdpProxyOverNioTest extends UdpProxyTest {
  @Override
  protected Transport transport() {
    return Transport.named("nio");
  }
}
