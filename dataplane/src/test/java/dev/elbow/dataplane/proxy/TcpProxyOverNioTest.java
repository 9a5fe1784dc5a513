package dev.elbow.dataplane.proxy;

import dev.elbow.dataplane.transport.Transport;
import org.junit.jupiter.api.Assumptions;

/** {@link TcpProxyTest} on the nio transport. */
class TcpProxyOverNioTest extends TcpProxyTest {

  @Override
  protected Transport transport() {
    try {
      return Transport.named("nio");
    } catch (IllegalArgumentException unavailable) {
      Assumptions.abort(unavailable.getMessage());
      return null;
    }
  }
}
