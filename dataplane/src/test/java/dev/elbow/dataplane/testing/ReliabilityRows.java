package dev.elbow.dataplane.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Rows of the reliability table ({@code docs/reliability.md}): each fault or hostile-input scenario
 * records what load it held, what it injected and what the clients saw. Rows land as one
 * tab-separated file per scenario in {@code elbow.reliability.dir} ({@code target/reliability} at
 * the top of the project); {@code scripts/reliability.sh} runs the suite and writes the table.
 */
public final class ReliabilityRows {

  private ReliabilityRows() {}

  /**
   * Records one scenario's outcome.
   *
   * @param scenario what was tried, e.g. "backend killed with SIGKILL mid-load"
   * @param load the load held, e.g. "400 req/s, 8 connections"
   * @param faults the faults injected, e.g. "1 of 3 members SIGKILLed"
   * @param sent requests (or connections, datagrams) sent
   * @param failed how many of them failed as the client saw it
   * @param why why those failed, or what the refusals were, or "-"
   */
  public static void record(
      String scenario, String load, String faults, long sent, long failed, String why) {
    Path dir = Path.of(System.getProperty("elbow.reliability.dir", "target/reliability"));
    String row =
        String.join(
                "\t",
                clean(scenario),
                clean(load),
                clean(faults),
                Long.toString(sent),
                Long.toString(failed),
                clean(why))
            + "\n";
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(slug(scenario) + ".tsv"), row, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String clean(String text) {
    return text.replace('\t', ' ').replace('\n', ' ').replace("|", "\\|").strip();
  }

  private static String slug(String scenario) {
    return scenario.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
  }
}
