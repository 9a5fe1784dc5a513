package dev.elbow.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elbow.dataplane.DataPlaneOptions;
import dev.elbow.dataplane.demo.DemoBackend;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The standalone mode: YAML in a folder, served, reloaded on change, bad input refused. */
class StandaloneTest {

  @TempDir Path dir;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private DemoBackend a;
  private DemoBackend b;
  private Standalone standalone;
  private int port;

  @BeforeEach
  void start() throws IOException {
    a = DemoBackend.http("a", 0);
    b = DemoBackend.http("b", 0);
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
  }

  @AfterEach
  void stop() {
    if (standalone != null) {
      standalone.close();
    }
    a.close();
    b.close();
  }

  private void write(String file, String yaml) throws IOException {
    Path target = dir.resolve(file);
    Path temporary = dir.resolve(file + ".tmp");
    Files.writeString(temporary, yaml);
    Files.move(temporary, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  private String shop(String members) {
    return """
        apiVersion: elbow.dev/v1alpha1
        kind: BackendServerGroup
        metadata: {name: shop}
        spec:
          protocol: HTTP
          healthCheck: {enabled: false}
          members: %s
        ---
        apiVersion: elbow.dev/v1alpha1
        kind: Listener
        metadata: {name: shop}
        spec: {protocol: HTTP, port: %d, backendGroup: shop}
        """
        .formatted(members, port);
  }

  private Set<String> backendsAnswering(int requests) throws Exception {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < requests; i++) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      seen.add(response.headers().firstValue("x-backend").orElseThrow());
    }
    return seen;
  }

  @Test
  void servesTheFolderReloadsOnChangeAndKeepsTheLastGoodConfig() throws Exception {
    write("shop.yaml", shop("[{address: 127.0.0.1, port: " + a.port() + "}]"));
    standalone =
        Standalone.start(
            dir,
            DataPlaneOptions.builder("test-token").adminAddress("127.0.0.1").adminPort(0).build(),
            lines::add);
    assertThat(lines)
        .anyMatch(l -> l.startsWith("loaded ") && l.endsWith("version 1: 1 listener, 1 group:"))
        .anyMatch(l -> l.contains("BackendServerGroup default/shop: Accepted"))
        .anyMatch(l -> l.contains("Listener default/shop: Accepted"));
    assertThat(backendsAnswering(4)).containsExactly("a");

    // b joins: within a second or two the folder is read again and b serves too.
    write(
        "shop.yaml",
        shop(
            "[{address: 127.0.0.1, port: "
                + a.port()
                + "}, {address: 127.0.0.1, port: "
                + b.port()
                + "}]"));
    await().atMost(Duration.ofSeconds(10)).until(() -> standalone.version() == 2);
    assertThat(backendsAnswering(4)).containsExactlyInAnyOrder("a", "b");

    // A bad change (a port out of range) is refused with the field named; a and b keep serving.
    write("shop.yaml", shop("[{address: 127.0.0.1, port: 70000}]"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> lines.stream().anyMatch(l -> l.contains("NOT accepted")));
    assertThat(lines).anyMatch(l -> l.contains("spec.members[0].port: must be 1-65535, was 70000"));
    assertThat(backendsAnswering(4)).containsExactlyInAnyOrder("a", "b");

    // YAML that does not parse (a typo, or a file caught half written) is reported by file name,
    // and the reload is refused: the listener in it does not go away.
    write("shop.yaml", "kind: Listener\nspec: [not, a, map\n");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> lines.stream().anyMatch(l -> l.contains("shop.yaml: not valid")));
    assertThat(lines).anyMatch(l -> l.contains("keeps serving until it parses"));
    assertThat(backendsAnswering(4)).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void theQuickStartFolderTranslatesWithEveryResourceAccepted() throws Exception {
    ConfigFolder folder = ConfigFolder.read(Path.of("..", "examples", "standalone"));
    assertThat(folder.problems()).isEmpty();
    var translation =
        dev.elbow.operator.translate.Translator.translate(
            folder.groups(), folder.listeners(), dev.elbow.operator.translate.References.NONE);
    assertThat(translation.groups().values()).allMatch(j -> j.verdict().accepted());
    assertThat(translation.listeners().values()).allMatch(j -> j.verdict().accepted());
    assertThat(translation.snapshot().listeners())
        .singleElement()
        .satisfies(l -> assertThat(l.port()).isEqualTo(8080));
  }
}
