package dev.elbow.operator.translate;

import dev.elbow.api.v1alpha1.StickyCookie;
import dev.elbow.snapshot.PassiveHealth;
import dev.elbow.snapshot.SameSite;
import dev.elbow.snapshot.SlowStart;
import dev.elbow.snapshot.StickySession;
import dev.elbow.snapshot.StickySessionType;
import java.util.Objects;

/**
 * A group's sticky sessions, slow start and passive health in snapshot form, with ELB's defaults
 * filled in.
 */
final class TrafficPolicy {

  private TrafficPolicy() {}

  /** The sticky sessions of a group; null when it has none or names no type. */
  static StickySession stickySession(dev.elbow.api.v1alpha1.StickySession spec) {
    if (spec == null || spec.getType() == null) {
      return null;
    }
    StickySessionType type = StickySessionType.valueOf(spec.getType().name());
    int timeout =
        Objects.requireNonNullElse(
            spec.getTimeoutMinutes(),
            type == StickySessionType.SOURCE_IP
                ? StickySession.DEFAULT_SOURCE_IP_MINUTES
                : StickySession.DEFAULT_COOKIE_MINUTES);
    if (type == StickySessionType.SOURCE_IP) {
      return new StickySession(type, timeout, null, false, null, null);
    }
    StickyCookie cookie = Objects.requireNonNullElseGet(spec.getCookie(), StickyCookie::new);
    return new StickySession(
        type,
        timeout,
        spec.getAppCookieName(),
        !Boolean.FALSE.equals(cookie.getHttpOnly()),
        Objects.requireNonNullElse(cookie.getPath(), "/"),
        cookie.getSameSite() == null
            ? null
            : SameSite.valueOf(cookie.getSameSite().name().toUpperCase(java.util.Locale.ROOT)));
  }

  /** The passive health of a group, Envoy's defaults where the spec says nothing. */
  static PassiveHealth passiveHealth(dev.elbow.api.v1alpha1.PassiveHealth spec) {
    if (spec == null) {
      return PassiveHealth.DEFAULTS;
    }
    return new PassiveHealth(
        !Boolean.FALSE.equals(spec.getEnabled()),
        Objects.requireNonNullElse(
            spec.getConsecutiveFailures(), PassiveHealth.DEFAULT_CONSECUTIVE_FAILURES),
        Objects.requireNonNullElse(
            spec.getBaseEjectionSeconds(), PassiveHealth.DEFAULT_BASE_EJECTION_SECONDS),
        Objects.requireNonNullElse(
            spec.getMaxEjectionSeconds(), PassiveHealth.DEFAULT_MAX_EJECTION_SECONDS),
        Objects.requireNonNullElse(
            spec.getMaxEjectionPercent(), PassiveHealth.DEFAULT_MAX_EJECTION_PERCENT),
        Objects.requireNonNullElse(
            spec.getPanicThresholdPercent(), PassiveHealth.DEFAULT_PANIC_THRESHOLD_PERCENT));
  }

  /** The slow start of a group; null when it has none. */
  static SlowStart slowStart(dev.elbow.api.v1alpha1.SlowStart spec) {
    if (spec == null) {
      return null;
    }
    return new SlowStart(
        Objects.requireNonNullElse(spec.getDurationSeconds(), SlowStart.DEFAULT_DURATION_SECONDS));
  }
}
