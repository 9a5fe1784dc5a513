package dev.elbow.api.v1alpha1;

/** What keeps a client on one member. */
public enum StickySessionType {
  SOURCE_IP,
  LB_COOKIE,
  APP_COOKIE;
}
