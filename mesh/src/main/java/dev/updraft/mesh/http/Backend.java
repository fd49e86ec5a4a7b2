package dev.updraft.mesh.http;

import dev.updraft.mesh.balance.Balancer;
import dev.updraft.mesh.config.BackendConfig;
import dev.updraft.mesh.config.Protocol;

/** A backend at run time: its configuration and the balancer over its endpoints. */
public record Backend(BackendConfig config, Balancer<UpstreamClient> balancer) {
  public String name() {
    return config.name();
  }

  public Protocol protocol() {
    return config.protocol();
  }
}
