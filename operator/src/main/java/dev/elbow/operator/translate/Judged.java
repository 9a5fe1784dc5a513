package dev.elbow.operator.translate;

/**
 * The verdict on one generation of a resource.
 *
 * @param uid the resource's UID, which tells a resource from one recreated under its name
 * @param generation the metadata.generation that was judged
 * @param verdict the verdict
 */
public record Judged(String uid, long generation, Verdict verdict) {

  /** Whether this verdict is about exactly this incarnation and generation of the resource. */
  public boolean isAbout(String otherUid, long otherGeneration) {
    return generation == otherGeneration && java.util.Objects.equals(uid, otherUid);
  }
}
