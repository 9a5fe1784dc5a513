package dev.elbow.dataplane.proxy;

import static dev.elbow.dataplane.testing.Snapshots.httpsAndHttp;
import static dev.elbow.dataplane.testing.Snapshots.uncheckedGroup;
import static org.assertj.core.api.Assertions.assertThat;

import dev.elbow.dataplane.testing.FreePorts;
import dev.elbow.dataplane.testing.StreamingMember;
import dev.elbow.dataplane.testing.TestDataPlane;
import dev.elbow.snapshot.BackendProtocol;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * h2spec, the HTTP/2 conformance suite (every case of RFC 7540 and RFC 7541, strict cases
 * included), against an HTTPS listener (h2 by ALPN) and an HTTP listener (h2c, prior knowledge).
 * Every case passes on both. The binary is built from its Go module by {@code scripts/h2spec.sh},
 * which {@code .ci/run} runs; this test runs the script too, so a machine with Go needs nothing
 * else.
 */
class H2SpecTest {

  /** The cases h2spec 2.2.1 has, strict ones included. */
  private static final int CASES = 146;

  private TestDataPlane dataPlane;
  private StreamingMember member;
  private int httpsPort;
  private int httpPort;

  @BeforeEach
  void start() throws Exception {
    dataPlane = TestDataPlane.start();
    member = new StreamingMember();
    httpsPort = FreePorts.next();
    httpPort = FreePorts.next();
    dataPlane.apply(
        httpsAndHttp(
            httpsPort, httpPort, uncheckedGroup("ns/web", BackendProtocol.HTTP, member.port())));
  }

  @AfterEach
  void stop() throws Exception {
    dataPlane.close();
    member.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "h2c"})
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void everyCasePasses(String listener) throws Exception {
    Path report = Files.createTempFile("h2spec", ".xml");
    List<String> command = new ArrayList<>(List.of(h2spec(), "--strict", "-o", "5", "-j"));
    command.add(report.toString());
    command.addAll(
        listener.equals("h2")
            ? List.of("-t", "-k", "-p", Integer.toString(httpsPort))
            : List.of("-p", Integer.toString(httpPort)));
    Process run = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    run.waitFor();

    var document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(report.toFile());
    NodeList cases = document.getElementsByTagName("testcase");
    List<String> failed = new ArrayList<>();
    for (int i = 0; i < cases.getLength(); i++) {
      Element testCase = (Element) cases.item(i);
      if (testCase.getElementsByTagName("failure").getLength() > 0
          || testCase.getElementsByTagName("error").getLength() > 0
          || testCase.getElementsByTagName("skipped").getLength() > 0) {
        failed.add(testCase.getAttribute("package") + " " + testCase.getAttribute("classname"));
      }
    }
    Files.deleteIfExists(report);
    assertThat(failed).as("h2spec cases that did not pass; its output:\n" + output).isEmpty();
    assertThat(cases.getLength()).as("cases run").isEqualTo(CASES);
  }

  /** The h2spec binary, built by the script when this machine has none yet. */
  private static String h2spec() throws IOException, InterruptedException {
    Path script = Path.of("..", "scripts", "h2spec.sh").toAbsolutePath().normalize();
    Process build = new ProcessBuilder("bash", script.toString()).start();
    String out = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    String err = new String(build.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (build.waitFor() != 0) {
      throw new IllegalStateException("scripts/h2spec.sh could not build h2spec: " + err);
    }
    return out;
  }
}
