package dev.elbow.dataplane.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fuzzer's row is written only when every input passed, and never for a fuzzer testing nothing.
 */
class FuzzTallyTest {

  @TempDir Path rows;

  private String row(String scenario) throws Exception {
    Path file = rows.resolve(scenario + ".tsv");
    return Files.exists(file) ? Files.readString(file) : null;
  }

  @Test
  void writesTheRowOnlyWhenEveryInputPassedAndSomeWereAccepted() throws Exception {
    String before = System.getProperty("elbow.reliability.dir");
    System.setProperty("elbow.reliability.dir", rows.toString());
    try {
      FuzzTally passing = new FuzzTally();
      passing.check(passing::accept);
      passing.check(() -> {});
      passing.record("passing", t -> t.inputs() + " inputs", "f", "w");
      assertThat(row("passing")).startsWith("passing\t2 inputs\tf\t2\t0\tw");

      FuzzTally failing = new FuzzTally();
      failing.check(failing::accept);
      assertThatThrownBy(() -> failing.check(() -> assertThat(1).isEqualTo(2)))
          .isInstanceOf(AssertionError.class);
      failing.record("failing", t -> "x", "f", "w");
      assertThat(row("failing")).as("no row for a property that failed").isNull();

      FuzzTally refusing = new FuzzTally();
      refusing.check(() -> {});
      assertThatThrownBy(() -> refusing.record("refusing", t -> "x", "f", "w"))
          .hasMessageContaining("none of 1 inputs was accepted");
      assertThat(row("refusing")).isNull();
    } finally {
      if (before == null) {
        System.clearProperty("elbow.reliability.dir");
      } else {
        System.setProperty("elbow.reliability.dir", before);
      }
    }
  }
}
