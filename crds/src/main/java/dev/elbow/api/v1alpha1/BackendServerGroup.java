package dev.elbow.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A set of backend servers that share the traffic of the listeners pointing at it. */
@Group(Api.GROUP)
@Version(Api.VERSION)
@ShortNames("bsg")
@Categories("elbow")
@AdditionalPrinterColumn(name = "Protocol", jsonPath = ".spec.protocol")
@AdditionalPrinterColumn(name = "Algorithm", jsonPath = ".spec.algorithm")
@AdditionalPrinterColumn(name = "Healthy", jsonPath = ".status.healthy")
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class BackendServerGroup
    extends CustomResource<BackendServerGroupSpec, BackendServerGroupStatus>
    implements Namespaced {}
