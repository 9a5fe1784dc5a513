package dev.elbow.dataplane.testing;

import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

/** Reads series out of the Prometheus text the data plane's {@code GET /metrics} serves. */
public final class Scrape {

  private Scrape() {}

  /**
   * The value of the one series named {@code name} whose labels include every {@code key, value}
   * pair given; fails when there is none or more than one.
   */
  public static double value(String text, String name, String... labels) {
    Double found = null;
    for (String line : text.split("\n")) {
      if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
        continue;
      }
      int end = line.lastIndexOf(' ');
      String series = line.substring(0, end);
      boolean matches = true;
      for (int i = 0; i < labels.length; i += 2) {
        matches &= series.contains(labels[i] + "=\"" + labels[i + 1] + "\"");
      }
      if (matches) {
        if (found != null) {
          throw new AssertionError("more than one " + name + Arrays.toString(labels));
        }
        found = Double.parseDouble(line.substring(end + 1));
      }
    }
    if (found == null) {
      throw new AssertionError("no series " + name + Arrays.toString(labels) + " in\n" + text);
    }
    return found;
  }

  /** The names of every series in the text, e.g. {@code elbow_errors_total}. */
  public static Set<String> names(String text) {
    Set<String> names = new TreeSet<>();
    for (String line : text.split("\n")) {
      if (!line.isEmpty() && !line.startsWith("#")) {
        int brace = line.indexOf('{');
        names.add(line.substring(0, brace >= 0 ? brace : line.indexOf(' ')));
      }
    }
    return names;
  }
}
