package dev.elbow.operator.push;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.net.URI;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The ready pods behind the data plane's Service, found through its EndpointSlices: a data plane
 * pod that starts gets the snapshot as soon as it is ready; one that goes away is forgotten.
 */
public final class ServiceDataPlaneEndpoints implements DataPlaneEndpoints {

  private final KubernetesClient client;
  private final String namespace;
  private final String service;
  private final String portName;
  private SharedIndexInformer<EndpointSlice> informer;

  /**
   * @param portName the name of the admin port in the Service
   */
  public ServiceDataPlaneEndpoints(
      KubernetesClient client, String namespace, String service, String portName) {
    this.client = client;
    this.namespace = namespace;
    this.service = service;
    this.portName = portName;
  }

  @Override
  public void start(Consumer<Set<URI>> onChange) {
    // Assigned before it runs: its handlers read the store as soon as the first list arrives
    // (with inform(), they could run before the field was set, and threw).
    informer =
        client
            .discovery()
            .v1()
            .endpointSlices()
            .inNamespace(namespace)
            .withLabel("kubernetes.io/service-name", service)
            .runnableInformer(0);
    informer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(EndpointSlice slice) {
            onChange.accept(current());
          }

          @Override
          public void onUpdate(EndpointSlice before, EndpointSlice after) {
            onChange.accept(current());
          }

          @Override
          public void onDelete(EndpointSlice slice, boolean finalStateUnknown) {
            onChange.accept(current());
          }
        });
    informer.run();
    onChange.accept(current());
  }

  private Set<URI> current() {
    Set<URI> uris = new HashSet<>();
    for (EndpointSlice slice : informer.getStore().list()) {
      Integer port =
          slice.getPorts() == null
              ? null
              : slice.getPorts().stream()
                  .filter(p -> portName.equals(p.getName()))
                  .map(EndpointPort::getPort)
                  .findFirst()
                  .orElse(null);
      if (port == null || slice.getEndpoints() == null) {
        continue;
      }
      for (Endpoint endpoint : slice.getEndpoints()) {
        boolean ready =
            endpoint.getConditions() == null
                || !Boolean.FALSE.equals(endpoint.getConditions().getReady());
        if (ready && endpoint.getAddresses() != null) {
          for (String address : endpoint.getAddresses()) {
            String host = address.contains(":") ? "[" + address + "]" : address;
            uris.add(URI.create("http://" + host + ":" + port));
          }
        }
      }
    }
    return uris;
  }

  @Override
  public void close() {
    if (informer != null) {
      informer.close();
    }
  }
}
