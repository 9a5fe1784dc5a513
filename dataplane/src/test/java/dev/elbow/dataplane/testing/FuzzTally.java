package dev.elbow.dataplane.testing;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What a fuzzer tried, for its reliability row: inputs, those the code under test accepted (a
 * fuzzer whose inputs are all refused tests only the refusal), and those on which a property
 * failed. The row is written only when no input failed, and a fuzzer that never got an input
 * accepted fails instead of writing one.
 */
public final class FuzzTally {

  private final AtomicLong inputs = new AtomicLong();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();

  /** Runs one input's checks, counting it, and as failed if a check throws. */
  public void check(Runnable input) {
    inputs.incrementAndGet();
    try {
      input.run();
    } catch (RuntimeException | Error e) {
      failed.incrementAndGet();
      throw e;
    }
  }

  /** The input just checked was accepted (parsed, decoded, located), not only refused. */
  public void accept() {
    accepted.incrementAndGet();
  }

  public long inputs() {
    return inputs.get();
  }

  /** Inputs accepted so far. */
  public long accepted() {
    return accepted.get();
  }

  /**
   * Records the fuzzer's row if every input passed; fails when none was accepted.
   *
   * @param load the row's load, given the tally
   */
  public void record(
      String scenario,
      java.util.function.Function<FuzzTally, String> load,
      String faults,
      String why) {
    if (failed.get() > 0) {
      return; // the property failed: jqwik reports it, and the table gets no row
    }
    if (accepted.get() == 0) {
      throw new AssertionError(
          scenario
              + ": none of "
              + inputs.get()
              + " inputs was accepted; the fuzzer tests nothing");
    }
    ReliabilityRows.record(scenario, load.apply(this), faults, inputs.get(), 0, why);
  }
}
