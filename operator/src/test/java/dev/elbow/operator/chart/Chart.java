package dev.elbow.operator.chart;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Helm chart under {@code helm/elbow}, rendered by real Helm (helm-java) for the tests. */
public final class Chart {

  /** The chart's directory. */
  public static final Path DIR = Path.of(System.getProperty("elbow.chart.dir", "../helm/elbow"));

  private Chart() {}

  /**
   * Creates (or keeps) a namespace that enforces Pod Security "restricted", as the chart's pods
   * must pass.
   */
  public static void restrictedNamespace(KubernetesClient kube, String name) {
    kube.namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(name)
                .addToLabels("pod-security.kubernetes.io/enforce", "restricted")
                .endMetadata()
                .build())
        .serverSideApply();
  }

  /**
   * A copy of the chart as an earlier version of it would be: the same, but its CRDs without their
   * printer columns, so that an upgrade to {@link #DIR} must add them to the cluster's CRDs.
   */
  public static Path withCrdsOfAnEarlierVersion() throws java.io.IOException {
    Path copy = Files.createTempDirectory("elbow-chart-earlier");
    try (var files = Files.walk(DIR)) {
      for (Path from : files.toList()) {
        Path to = copy.resolve(DIR.relativize(from).toString());
        if (Files.isDirectory(from)) {
          Files.createDirectories(to);
        } else if (from.getParent().endsWith(Path.of("files", "crds"))) {
          var crd =
              Serialization.unmarshal(
                  Files.readString(from),
                  io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition.class);
          crd.getSpec().getVersions().forEach(v -> v.setAdditionalPrinterColumns(null));
          Files.writeString(to, Serialization.asYaml(crd));
        } else {
          Files.copy(from, to);
        }
      }
    }
    return copy;
  }

  /** Renders the chart as {@code helm template} would, with {@code --set} values. */
  public static List<HasMetadata> render(String release, String namespace, Map<String, ?> values) {
    return parse(renderText(release, namespace, values));
  }

  /** The rendered YAML, every document of it. */
  public static String renderText(String release, String namespace, Map<String, ?> values) {
    TemplateCommand template =
        new Helm(DIR)
            .template()
            .withName(release)
            .withNamespace(namespace)
            .withKubeVersion(System.getProperty("elbow.kube.version", "1.37.2"))
            .skipCrds();
    values.forEach(template::set);
    return template.call();
  }

  /** The objects of a multi-document YAML text. */
  public static List<HasMetadata> parse(String yaml) {
    List<HasMetadata> objects = new ArrayList<>();
    for (String document : yaml.split("(?m)^---\\s*$")) {
      if (document.lines().anyMatch(l -> l.startsWith("kind:"))) {
        objects.add(Serialization.unmarshal(document, HasMetadata.class));
      }
    }
    return objects;
  }

  /** The project's version, from the parent POM. */
  public static String projectVersion() throws Exception {
    String pom = Files.readString(Path.of("../pom.xml"));
    Matcher version =
        Pattern.compile("<artifactId>elbow-parent</artifactId>\\s*<version>([^<]+)</version>")
            .matcher(pom);
    if (!version.find()) {
      throw new IllegalStateException("no version in ../pom.xml");
    }
    return version.group(1);
  }

  /** The objects of one kind, by type. */
  public static <T extends HasMetadata> List<T> ofKind(List<HasMetadata> objects, Class<T> kind) {
    return objects.stream().filter(kind::isInstance).map(kind::cast).toList();
  }
}
