package dev.elbow.api.v1alpha1;

/** The SameSite attribute of the load balancer's cookie. */
public enum SameSite {
  Strict,
  Lax,
  None;
}
