package dev.elbow.bench;

import dev.elbow.api.v1alpha1.BackendServerGroup;
import dev.elbow.api.v1alpha1.Listener;
import dev.elbow.operator.translate.Translation;
import dev.elbow.operator.translate.Translator;
import dev.elbow.snapshot.SnapshotJson;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Translating every resource into a snapshot, and writing it as JSON, at several scales. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class TranslationBenchmark {

  /** groups x members per group. */
  @Param({"10x10", "100x100", "1000x100"})
  String scale;

  private List<BackendServerGroup> groups;
  private List<Listener> listeners;
  private Translation translation;

  @Setup
  public void setUp() {
    String[] parts = scale.split("x");
    int groupCount = Integer.parseInt(parts[0]);
    int members = Integer.parseInt(parts[1]);
    groups = new ArrayList<>(groupCount);
    listeners = new ArrayList<>(groupCount);
    for (int i = 0; i < groupCount; i++) {
      groups.add(Fleet.group("bench", i, members));
      listeners.add(Fleet.listener("bench", i, 20000));
    }
    translation = Translator.translate(groups, listeners);
  }

  @Benchmark
  public Translation translate() {
    return Translator.translate(groups, listeners);
  }

  @Benchmark
  public byte[] toJson() {
    return SnapshotJson.toBytes(translation.snapshot().withVersion(1));
  }
}
