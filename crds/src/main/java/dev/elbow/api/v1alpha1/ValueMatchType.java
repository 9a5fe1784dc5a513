package dev.elbow.api.v1alpha1;

/** How a forwarding rule compares a header or query parameter value, with Gateway API's names. */
public enum ValueMatchType {
  Exact,
  RegularExpression;
}
