package dev.elbow.operator.push;

import dev.elbow.snapshot.Snapshot;
import dev.elbow.snapshot.SnapshotJson;

/**
 * A versioned snapshot to push, serialized once for all data planes.
 *
 * @param snapshot the snapshot
 * @param json its JSON form
 */
public record DesiredSnapshot(Snapshot snapshot, byte[] json) {

  public static DesiredSnapshot of(Snapshot snapshot) {
    return new DesiredSnapshot(snapshot, SnapshotJson.toBytes(snapshot));
  }

  public long version() {
    return snapshot.version();
  }
}
