import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Writes docs/reliability.md from the rows the reliability suite recorded (one .tsv per scenario
 * under target/reliability). Run by scripts/reliability.sh: java scripts/ReliabilityReport.java
 * ROWS_DIR OUT.md
 */
public class ReliabilityReport {

  /**
   * Every scenario the suite must record. A run that misses one (a test skipped, or failed before
   * it wrote its row) writes no table: a missing row is a missing claim, not a pass.
   */
  static final Set<String> EXPECTED =
      Set.of(
          "10,000 idle connections",
          "admin API without the token",
          "admin token kept out of logs and answers",
          "API server out of reach for 30 s",
          "backend SIGKILLed mid-load",
          "bad snapshot pushed (buggy operator or forged request)",
          "connection limit",
          "data plane graceful shutdown (SIGTERM)",
          "data plane restarted",
          "fuzz: HTTP/1 head parser",
          "fuzz: QUIC header parser",
          "fuzz: snapshot decoder",
          "HTTP hop-by-hop headers stripped",
          "HTTP oversized request line and head",
          "HTTP request smuggling attempts",
          "HTTP slowloris",
          "member accepts and never answers",
          "member resets connections before answering",
          "operator stopped in-process (graceful close)",
          "operator leader gone without releasing its Lease (three in-process replicas)",
          "operator process SIGKILLed while handling an edit",
          "operator leader partitioned from the API server (three replica processes)",
          "UDP garbage at a plain UDP listener",
          "UDP/QUIC garbage at a QUIC_CID listener",
          "one member slow on one path",
          "two trickling POSTs beside steady GETs",
          "a garbage or 150-header answer on one path",
          "a member that resets every connection",
          "every member failing its health checks (panic)",
          "an upload far longer than the response timeout",
          "1 GiB down and 1 GiB up one HTTP/2 stream");

  public static void main(String[] args) throws Exception {
    Path rows = Path.of(args[0]);
    List<String[]> table = new ArrayList<>();
    try (Stream<Path> files = Files.list(rows)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".tsv")).sorted().toList()) {
        table.add(Files.readString(file).strip().split("\t", -1));
      }
    }
    Set<String> missing = new TreeSet<>(EXPECTED);
    table.forEach(row -> missing.remove(row[0]));
    if (!missing.isEmpty()) {
      System.err.println(
          "ReliabilityReport: no row for " + missing.size() + " scenario(s): " + missing);
      System.exit(1);
    }
    StringBuilder md = new StringBuilder();
    md.append("# Reliability\n\n")
        .append("Written by `scripts/reliability.sh` from the suite tagged `reliability` (")
        .append("`./mvnw verify -Dgroups=reliability`; it also runs in every `./mvnw verify`). ")
        .append("Each row is one scenario: the load held while faults or hostile input were ")
        .append("injected, and what the clients saw. The target is zero failures everywhere the ")
        .append("issue does not allow a refusal; refusals that are the point (401; 400, 408, 414, 431, 501; a ")
        .append("connection over the limit; garbage datagrams dropped; the 504s of a member that never ")
        .append("answers) are counted under *failed* and explained. Where a row pits offending clients ")
        .append("against innocent ones, sent and failed count the innocent requests, and the offenders' ")
        .append("answers are in the last column.\n\n")
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
