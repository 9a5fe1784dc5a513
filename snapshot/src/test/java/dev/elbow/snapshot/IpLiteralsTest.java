package dev.elbow.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IpLiteralsTest {

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "10.0.0.255", "::1", "fd00::1:2", "::ffff:10.1.2.3"})
  void acceptsAddresses(String address) {
    assertThat(IpLiterals.isIpLiteral(address)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "localhost",
        "example.com",
        "256.1.1.1",
        "1.2.3",
        "01.2.3.4",
        "[::1]",
        "fe80::1%eth0",
        "1:2:3:4:5:6:7:8:9"
      })
  void refusesEverythingElse(String address) {
    assertThat(IpLiterals.isIpLiteral(address)).isFalse();
  }
}
