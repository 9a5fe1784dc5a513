package dev.elbow.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Dockerfiles under {@code images/} (they cannot be built on machines without a Docker engine):
 * a JRE base, a non-root numeric user, the module's own jar and dependencies, a main class that
 * exists, and a tag in their usage line that names the module and the project's version.
 */
class ImagesTest {

  private static final Path ROOT = Path.of("..");

  @ParameterizedTest
  @ValueSource(strings = {"dataplane", "operator"})
  void theImageRunsTheModulesMainAsNonRootOnAJre(String module) throws Exception {
    List<String> lines = Files.readAllLines(ROOT.resolve("images/" + module + ".Dockerfile"));
    String text = String.join("\n", lines);
    String version = projectVersion();

    assertThat(text).containsPattern("(?m)^FROM eclipse-temurin:17-jre$");
    Matcher user = Pattern.compile("(?m)^USER (\\d+):(\\d+)$").matcher(text);
    assertThat(user.find()).as("a numeric USER").isTrue();
    assertThat(Integer.parseInt(user.group(1))).as("not root").isPositive();
    assertThat(text)
        .contains("COPY " + module + "/target/lib/ lib/")
        .contains("COPY " + module + "/target/elbow-" + module + "-*.jar lib/")
        .contains("ghcr.io/elbow-lb/elbow-" + module + ":" + version);

    Matcher entry = Pattern.compile("\"(dev\\.elbow\\.[a-zA-Z.]+)\"\\]").matcher(text);
    assertThat(entry.find()).as("an ENTRYPOINT naming a main class").isTrue();
    Method main = Class.forName(entry.group(1)).getMethod("main", String[].class);
    assertThat(Modifier.isStatic(main.getModifiers())).isTrue();
  }

  private static String projectVersion() throws Exception {
    String pom = Files.readString(ROOT.resolve("pom.xml"));
    Matcher version =
        Pattern.compile("<artifactId>elbow-parent</artifactId>\\s*<version>([^<]+)</version>")
            .matcher(pom);
    assertThat(version.find()).isTrue();
    return version.group(1);
  }
}
