package dev.elbow.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ExpectedCodesTest {

  @Test
  void singleCodeMatchesOnlyItself() {
    ExpectedCodes codes = ExpectedCodes.parse("200");
    assertThat(codes.matches(200)).isTrue();
    assertThat(codes.matches(201)).isFalse();
  }

  @Test
  void listsAndRangesMix() {
    ExpectedCodes codes = ExpectedCodes.parse("200-204, 301");
    assertThat(codes.matches(200)).isTrue();
    assertThat(codes.matches(204)).isTrue();
    assertThat(codes.matches(205)).isFalse();
    assertThat(codes.matches(301)).isTrue();
    assertThat(codes.matches(302)).isFalse();
  }

  @Test
  void refusesMalformedNotation() {
    assertThatThrownBy(() -> ExpectedCodes.parse("2xx")).hasMessageContaining("\"2xx\"");
    assertThatThrownBy(() -> ExpectedCodes.parse("204-200")).hasMessageContaining("ends below");
    assertThatThrownBy(() -> ExpectedCodes.parse("700")).hasMessageContaining("100-599");
    assertThatThrownBy(() -> ExpectedCodes.parse("200,"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ExpectedCodes.parse("")).hasMessageContaining("at least one");
  }
}
