/**
 * The {@code elbow.dev/v1alpha1} API: what users apply with kubectl. Only the operator sees these
 * types; it translates them into the data plane's snapshot.
 */
package dev.elbow.api.v1alpha1;
