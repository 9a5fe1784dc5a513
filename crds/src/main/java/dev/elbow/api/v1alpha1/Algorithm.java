package dev.elbow.api.v1alpha1;

/** How a group picks a member; every algorithm honours weights. */
public enum Algorithm {
  ROUND_ROBIN,
  LEAST_CONNECTIONS,
  SOURCE_IP,
  QUIC_CID;
}
