package dev.elbow.snapshot;

/**
 * Slow start for HTTP and HTTPS groups with ROUND_ROBIN: a member that is added, or turns healthy
 * again, gets a share that rises linearly from a tenth of its weight to all of it over {@code
 * durationSeconds}, so a cold JVM or cache is not handed its full share at once.
 *
 * @param durationSeconds 30-1200
 */
public record SlowStart(int durationSeconds) {

  public static final int DEFAULT_DURATION_SECONDS = 30;
}
