package dev.updraft.deploy.kubernetes;

import dev.updraft.deploy.apply.Deployment;
import dev.updraft.deploy.events.Redactor;
import dev.updraft.deploy.spec.Service;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which of a service's variables are secret: those the spec declares as secrets, and any plain one
 * whose value, once references are resolved, carries a secret (a database URL holds its password).
 * Secret ones go to the service's Secret, never to its ConfigMap.
 */
final class Environments {
  private Environments() {}

  static KubernetesRenderer.Env of(Deployment release, Service service) {
    Map<String, String> env =
        MeshNames.env(
            release.spec(),
            service,
            (variable, ref) -> release.environment().attribute(service.name(), ref));
    return split(env, release.environment().secrets(service), release.redactor());
  }

  static KubernetesRenderer.Env split(
      Map<String, String> env, Map<String, String> secrets, Redactor redactor) {
    Map<String, String> plain = new LinkedHashMap<>();
    Map<String, String> secret = new LinkedHashMap<>(secrets);
    env.forEach(
        (name, value) -> {
          if (redactor.redact(value).equals(value)) {
            plain.put(name, value);
          } else {
            secret.put(name, value);
          }
        });
    return new KubernetesRenderer.Env(plain, secret);
  }
}
