package dev.elbow.standalone;

import dev.elbow.dataplane.ApplyOutcome;
import dev.elbow.dataplane.DataPlane;
import dev.elbow.dataplane.DataPlaneOptions;
import dev.elbow.operator.translate.Judged;
import dev.elbow.operator.translate.References;
import dev.elbow.operator.translate.ResourceKey;
import dev.elbow.operator.translate.Translation;
import dev.elbow.operator.translate.Translator;
import dev.elbow.snapshot.Snapshot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Elbow without Kubernetes: the BackendServerGroup and Listener YAML of a folder, translated as the
 * operator translates it and served by a data plane in this process. The folder is read again when
 * any file changes (checked every second). With no API server to refuse a bad edit, a reload in
 * which any resource is not accepted is refused whole and the last good configuration keeps serving
 * (at the first load, what is accepted serves); every verdict is printed as a line, as status would
 * say it.
 */
public final class Standalone implements AutoCloseable {

  private final Path dir;
  private final DataPlane dataPlane;
  private final Consumer<String> out;
  private final ScheduledExecutorService watcher;
  private String fingerprint = "";
  private long version;

  private Standalone(Path dir, DataPlane dataPlane, Consumer<String> out) {
    this.dir = dir;
    this.dataPlane = dataPlane;
    this.out = out;
    this.watcher =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "elbow-config-watcher");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Starts a data plane with these options, serves the folder and watches it.
   *
   * @param out where the verdicts and reloads are told, a line at a time
   */
  public static Standalone start(Path dir, DataPlaneOptions options, Consumer<String> out) {
    Standalone standalone = new Standalone(dir, DataPlane.start(options), out);
    standalone.reloadIfChanged();
    standalone.watcher.scheduleWithFixedDelay(standalone::reloadIfChanged, 1, 1, TimeUnit.SECONDS);
    return standalone;
  }

  /** The data plane serving the folder. */
  public DataPlane dataPlane() {
    return dataPlane;
  }

  /** The snapshot version in force; it grows with every reload that changed something. */
  public long version() {
    return version;
  }

  private void reloadIfChanged() {
    try {
      String now = ConfigFolder.fingerprint(dir);
      if (now.equals(fingerprint)) {
        return;
      }
      fingerprint = now;
      load(ConfigFolder.read(dir));
    } catch (IOException | RuntimeException e) {
      out.accept("cannot read " + dir + ": " + e.getMessage() + "; the last good config serves");
    }
  }

  private void load(ConfigFolder folder) {
    folder.problems().forEach(p -> out.accept("  ! " + p));
    if (folder.unreadable() && version > 0) {
      // Without that file's resources its listeners would stop: keep what serves.
      out.accept("refused " + dir + "; version " + version + " keeps serving until it parses");
      return;
    }
    Translation translation =
        Translator.translate(
            folder.groups(),
            folder.listeners(),
            new References(folder.secrets()::get, folder.configMaps()::get, k -> List.of()));
    boolean allAccepted =
        translation.groups().values().stream().allMatch(j -> j.verdict().accepted())
            && translation.listeners().values().stream().allMatch(j -> j.verdict().accepted());
    if (!allAccepted && version > 0) {
      // Without an API server to refuse a bad edit, refuse it here, whole: what serves stays.
      out.accept("refused " + dir + "; version " + version + " keeps serving until this is fixed:");
      report("BackendServerGroup", translation.groups());
      report("Listener", translation.listeners());
      return;
    }
    Snapshot translated = translation.snapshot();
    Snapshot next = new Snapshot(version + 1, translated.listeners(), translated.groups());
    ApplyOutcome outcome = dataPlane.apply(next).join();
    switch (outcome.kind()) {
      case APPLIED -> {
        version = next.version();
        out.accept("loaded " + dir + " as version " + version + ": " + summary(translation) + ":");
      }
      case UNCHANGED -> out.accept("reloaded " + dir + ": nothing to change");
      default -> {
        out.accept(
            "the data plane refused "
                + dir
                + "; the last good config serves: "
                + outcome.result().errors());
        return;
      }
    }
    report("BackendServerGroup", translation.groups());
    report("Listener", translation.listeners());
  }

  private static String summary(Translation translation) {
    return translation.listeners().size()
        + (translation.listeners().size() == 1 ? " listener, " : " listeners, ")
        + translation.groups().size()
        + (translation.groups().size() == 1 ? " group" : " groups");
  }

  private void report(String kind, Map<ResourceKey, Judged> verdicts) {
    new TreeMap<>(Map.copyOf(verdicts))
        .forEach(
            (key, judged) ->
                out.accept(
                    "  "
                        + kind
                        + " "
                        + key
                        + ": "
                        + (judged.verdict().accepted()
                            ? "Accepted: "
                            : "NOT accepted (" + judged.verdict().reason() + "): ")
                        + judged.verdict().message()));
  }

  @Override
  public void close() {
    watcher.shutdownNow();
    dataPlane.close();
  }
}
