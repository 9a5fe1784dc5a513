package dev.elbow.operator.translate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Gateway API's intersection of a listener's hostname with a route's hostnames. */
class HostnamesTest {

  @Test
  void eitherSideLeftOutServesTheOther() {
    assertThat(Hostnames.intersect(null, List.of())).isEmpty();
    assertThat(Hostnames.intersect("a.example.com", List.of())).containsExactly("a.example.com");
    assertThat(Hostnames.intersect(null, List.of("a.example.com", "*.b.org")))
        .containsExactly("a.example.com", "*.b.org");
  }

  @Test
  void aWildcardListenerKeepsTheRoutesNamesUnderIt() {
    assertThat(
            Hostnames.intersect(
                "*.example.com",
                List.of("a.example.com", "x.y.example.com", "example.com", "a.example.org")))
        .containsExactly("a.example.com", "x.y.example.com");
    assertThat(Hostnames.intersect("*.example.com", List.of("*.shop.example.com")))
        .containsExactly("*.shop.example.com");
  }

  @Test
  void aWildcardRouteNarrowsToTheListenersName() {
    assertThat(Hostnames.intersect("a.example.com", List.of("*.example.com")))
        .containsExactly("a.example.com");
    assertThat(Hostnames.intersect("*.shop.example.com", List.of("*.example.com")))
        .containsExactly("*.shop.example.com");
  }

  @Test
  void nothingSharedIsNull() {
    assertThat(Hostnames.intersect("a.example.com", List.of("b.example.com"))).isNull();
    assertThat(Hostnames.intersect("*.example.com", List.of("example.com"))).isNull();
    assertThat(Hostnames.intersect("A.Example.com", List.of("a.example.COM")))
        .as("names compare without case")
        .containsExactly("a.example.COM");
  }
}
