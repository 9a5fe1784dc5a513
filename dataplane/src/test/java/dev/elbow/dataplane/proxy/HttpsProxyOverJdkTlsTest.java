package dev.elbow.dataplane.proxy;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The HTTPS listener tests with the JDK's TLS, the fallback where BoringSSL does not load. */
class HttpsProxyOverJdkTlsTest extends HttpsProxyTest {

  @BeforeAll
  static void useJdkTls() {
    System.setProperty("elbow.tls.provider", "jdk");
  }

  @AfterAll
  static void useBestTls() {
    System.clearProperty("elbow.tls.provider");
  }
}
