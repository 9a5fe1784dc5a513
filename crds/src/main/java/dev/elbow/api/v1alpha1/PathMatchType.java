package dev.elbow.api.v1alpha1;

/** How a forwarding rule compares the path, with Gateway API's names. */
public enum PathMatchType {
  /** The whole path. */
  Exact,
  /** Whole segments: /api takes /api and /api/x, not /apix. */
  PathPrefix,
  /** A regular expression (Java syntax) matching the whole path. */
  RegularExpression;
}
