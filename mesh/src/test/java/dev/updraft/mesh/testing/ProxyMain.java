package dev.updraft.mesh.testing;

import dev.updraft.mesh.config.ConfigFile;
import dev.updraft.mesh.proxy.MeshProxy;
import dev.updraft.mesh.transport.Transport;
import java.nio.file.Path;

/** Runs a proxy from a YAML file in its own process, e.g. inside {@code ip netns exec}. */
public final class ProxyMain {
  private ProxyMain() {}

  public static void main(String[] args) {
    MeshProxy proxy =
        MeshProxy.start(ConfigFile.load(Path.of(args[0])), Transport.select(false), System.out);
    System.out.println("ready");
    System.out.flush();
    proxy.terminated().join();
  }
}
