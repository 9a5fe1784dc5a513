package dev.elbow.dataplane.health;

/**
 * The outcome of one health check.
 *
 * @param healthy whether the check passed
 * @param reason why it failed, in words a user understands ("connection refused", "HTTP 503"); null
 *     when it passed
 */
public record ProbeResult(boolean healthy, String reason) {

  private static final ProbeResult PASSED = new ProbeResult(true, null);

  public static ProbeResult passed() {
    return PASSED;
  }

  public static ProbeResult failed(String reason) {
    return new ProbeResult(false, reason);
  }
}
