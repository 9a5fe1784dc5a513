package dev.elbow.api.v1alpha1;

/** The PROXY protocol version a TCP group sends its members: text (V1) or binary (V2). */
public enum ProxyProtocolVersion {
  V1,
  V2;
}
