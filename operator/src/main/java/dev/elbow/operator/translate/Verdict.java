package dev.elbow.operator.translate;

/**
 * Whether a resource is accepted into the snapshot, and if not, why: the {@code Accepted} condition
 * of its status.
 *
 * @param accepted true when the resource is valid and goes into the snapshot
 * @param reason a CamelCase reason for the condition
 * @param message what is wrong and how to fix it, naming the field
 */
public record Verdict(boolean accepted, String reason, String message) {

  public static Verdict accepted(String message) {
    return new Verdict(true, "Accepted", message);
  }

  public static Verdict rejected(String reason, String message) {
    return new Verdict(false, reason, message);
  }
}
