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

  /** Renders the chart as {@code helm template} would, with {@code --set} values. */
  public static List<HasMetadata> render(String release, String namespace, Map<String, ?> values) {
    return parse(renderText(release, namespace, values));
  }

  /**
   * The rendered YAML, every document of it. helm-java's template command evaluates {@code lookup}
   * against a cluster, so without one the chart's generated admin token cannot render: unless the
   * values name a Secret, {@code adminToken.existingSecret} is set to the chart's own default name
   * (ChartInstallIT renders the generated one against a real API server).
   */
  public static String renderText(String release, String namespace, Map<String, ?> values) {
    TemplateCommand template =
        new Helm(DIR)
            .template()
            .withName(release)
            .withNamespace(namespace)
            .withKubeVersion(System.getProperty("elbow.kube.version", "1.37.2"))
            .skipCrds();
    if (!values.containsKey("adminToken.existingSecret")) {
      template.set("adminToken.existingSecret", release + "-elbow-admin-token");
    }
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
