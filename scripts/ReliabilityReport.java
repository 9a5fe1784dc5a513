import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes docs/reliability.md from the rows the reliability suite recorded (one .tsv per scenario
 * under target/reliability). Run by scripts/reliability.sh: java scripts/ReliabilityReport.java
 * ROWS_DIR OUT.md
 */
public class ReliabilityReport {
  public static void main(String[] args) throws Exception {
    Path rows = Path.of(args[0]);
    List<String[]> table = new ArrayList<>();
    try (Stream<Path> files = Files.list(rows)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".tsv")).sorted().toList()) {
        table.add(Files.readString(file).strip().split("\t", -1));
      }
    }
    StringBuilder md = new StringBuilder();
    md.append("# Reliability\n\n")
        .append("Written by `scripts/reliability.sh` from the suite tagged `reliability` (")
        .append("`./mvnw verify -Dgroups=reliability`; it also runs in every `./mvnw verify`). ")
        .append("Each row is one scenario: the load held while faults or hostile input were ")
        .append("injected, and what the clients saw. The target is zero failures everywhere the ")
        .append("issue does not allow a refusal; refusals that are the point (401; 400, 408, 414, 431, 501; a ")
        .append("connection over the limit; garbage datagrams dropped) are counted under *failed* and explained.\n\n")
        .append("| scenario | load held | faults injected | sent | failed | why |\n")
        .append("| --- | --- | --- | ---: | ---: | --- |\n");
    for (String[] row : table) {
      md.append("| ").append(String.join(" | ", row)).append(" |\n");
    }
    md.append("\n").append(table.size()).append(" scenarios.\n");
    Files.writeString(Path.of(args[1]), md.toString());
    System.out.println("wrote " + args[1] + " (" + table.size() + " scenarios)");
  }
}
