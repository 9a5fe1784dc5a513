package dev.elbow.api.v1alpha1;

/** Names of this API version. */
public final class Api {
  /** The API group of every Elbow kind. */
  public static final String GROUP = "elbow.dev";

  /** This API version. */
  public static final String VERSION = "v1alpha1";

  private Api() {}
}
