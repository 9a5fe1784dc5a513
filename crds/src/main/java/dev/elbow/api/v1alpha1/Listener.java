package dev.elbow.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A frontend port on the data plane that forwards to one backend server group. */
@Group(Api.GROUP)
@Version(Api.VERSION)
@ShortNames("lsn")
@Categories("elbow")
@AdditionalPrinterColumn(name = "Protocol", jsonPath = ".spec.protocol")
@AdditionalPrinterColumn(
    name = "Port",
    jsonPath = ".spec.port",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Group", jsonPath = ".spec.backendGroup")
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class Listener extends CustomResource<ListenerSpec, ListenerStatus> implements Namespaced {}
