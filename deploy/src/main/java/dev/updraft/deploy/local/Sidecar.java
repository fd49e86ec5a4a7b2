package dev.updraft.deploy.local;

import dev.updraft.mesh.config.MeshConfig;
import dev.updraft.mesh.config.MeshConfigException;
import dev.updraft.mesh.identity.WorkloadName;
import dev.updraft.mesh.proxy.MeshProxy;
import dev.updraft.mesh.transport.Transport;

/**
 * One application's proxy, with its own identity and token, in the supervisor's JVM: a proxy
 * process per instance (Linkerd's shape) would cost a JVM each (tens of MB); this costs one event
 * loop thread, a timer thread and the application's connections, and shares the supervisor's buffer
 * pool. Its instances share the identity, as a Deployment's pods share their ServiceAccount.
 */
record Sidecar(MeshProxy proxy, LocalIdentity.Issued issued) implements AutoCloseable {
  static Sidecar start(
      String service,
      MeshConfig config,
      LocalIdentity identity,
      WorkloadName name,
      Transport transport) {
    LocalIdentity.Issued issued = identity.issue(name);
    try {
      return new Sidecar(MeshProxy.start(config, transport, System.out, issued.identity()), issued);
    } catch (RuntimeException e) {
      issued.revoke().run();
      throw new MeshConfigException("mesh proxy of " + service + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    proxy.close();
    issued.revoke().run();
  }
}
