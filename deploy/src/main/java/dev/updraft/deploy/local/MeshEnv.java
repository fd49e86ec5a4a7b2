package dev.updraft.deploy.local;

import dev.updraft.deploy.apply.Dependencies;
import dev.updraft.deploy.apply.Deployment;
import dev.updraft.deploy.journal.ServiceState;
import dev.updraft.deploy.spec.Reference;
import dev.updraft.deploy.spec.Service;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntSupplier;

/**
 * An application's environment on the local target, where its references to other applications lead
 * through its own mesh proxy: {@code ${catalog.url}} in {@code web}'s environment is a loopback
 * port of web's sidecar, which originates mutual TLS to catalog with web's identity. So catalog's
 * proxy knows its caller, and {@code allow:} can be enforced, with nothing in the spec. Each
 * (caller, application) pair keeps its port across deploys: it is in the caller's state.
 */
final class MeshEnv {
  // Attributes of the caller's state; no ${service.attribute} reference can name them.
  private static final String PREFIX = "mesh:";

  private MeshEnv() {}

  /** The ports {@code state}'s instances reach other applications on (empty when none). */
  static Map<String, Integer> outbound(ServiceState state) {
    Map<String, Integer> ports = new TreeMap<>();
    if (state != null) {
      state
          .attributes()
          .forEach(
              (key, value) -> {
                if (key.startsWith(PREFIX)) {
                  ports.put(key.substring(PREFIX.length()), Integer.parseInt(value));
                }
              });
    }
    return ports;
  }

  /** {@code outbound} as attributes of the caller's state. */
  static Map<String, String> attributes(Map<String, Integer> outbound) {
    Map<String, String> attributes = new LinkedHashMap<>();
    outbound.forEach((service, port) -> attributes.put(PREFIX + service, port.toString()));
    return attributes;
  }

  /**
   * {@code app}'s plain variables with references resolved; a reference to another application's
   * {@code url} or {@code port} gets the caller's port for it, taken from {@code outbound} or a new
   * one from {@code freePort} (and added to {@code outbound}).
   */
  static Map<String, String> env(
      Deployment deployment,
      Service.Application app,
      Map<String, Integer> outbound,
      IntSupplier freePort) {
    Map<String, String> env = new LinkedHashMap<>();
    Dependencies.env(app)
        .forEach(
            (name, value) ->
                env.put(
                    name,
                    Reference.substitute(
                        value, ref -> resolve(deployment, app, ref, outbound, freePort))));
    return env;
  }

  private static String resolve(
      Deployment deployment,
      Service.Application app,
      Reference ref,
      Map<String, Integer> outbound,
      IntSupplier freePort) {
    // Resolved as ever first: an application not deployed yet is the same error.
    String plain = deployment.environment().attribute(app.name(), ref);
    boolean meshed =
        deployment.spec().service(ref.service()) instanceof Service.Application
            && !ref.service().equals(app.name())
            && ("url".equals(ref.attribute()) || "port".equals(ref.attribute()));
    if (!meshed) {
      return plain;
    }
    int port = outbound.computeIfAbsent(ref.service(), s -> freePort.getAsInt());
    return "url".equals(ref.attribute()) ? "http://127.0.0.1:" + port : Integer.toString(port);
  }
}
