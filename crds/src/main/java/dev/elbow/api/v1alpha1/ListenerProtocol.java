package dev.elbow.api.v1alpha1;

/** Protocol clients speak to a listener. */
public enum ListenerProtocol {
  TCP,
  UDP,
  HTTP,
  HTTPS;
}
