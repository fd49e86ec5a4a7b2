package dev.updraft.deploy.apply;

import dev.updraft.deploy.journal.ServiceState;
import dev.updraft.deploy.spec.Reference;
import dev.updraft.deploy.spec.Service;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The variables a service is given, resolved at the edge of a release: its plain ones with every
 * {@code ${service.attribute}} taken from what is deployed at that moment, and its secrets read
 * from their sources (and registered with the redactor).
 */
public final class ServiceEnvironment {
  private final Secrets secrets;
  private final Function<String, ServiceState> deployed;

  /**
   * @param deployed a service as deployed now, or null; asked at each resolution, as steps finish
   */
  ServiceEnvironment(Secrets secrets, Function<String, ServiceState> deployed) {
    this.secrets = secrets;
    this.deployed = deployed;
  }

  /** The service's plain variables, with every {@code ${service.attribute}} resolved. */
  public Map<String, String> plain(Service service) {
    Map<String, String> env = new LinkedHashMap<>();
    Dependencies.env(service)
        .forEach(
            (name, value) ->
                env.put(name, Reference.substitute(value, ref -> attribute(service.name(), ref))));
    return env;
  }

  /** The service's secret variables, resolved (and registered with the redactor). */
  public Map<String, String> secrets(Service service) {
    return secrets.valuesOf(service);
  }

  /** Both: the plain variables, then the secret ones. */
  public Map<String, String> all(Service service) {
    Map<String, String> env = plain(service);
    env.putAll(secrets(service));
    return env;
  }

  /** The value of {@code ${service.attribute}} as deployed now. */
  public String attribute(String referrer, Reference ref) {
    ServiceState state = deployed.apply(ref.service());
    String value = state == null ? null : state.attributes().get(ref.attribute());
    if (value == null) {
      throw new DeployException(
          "REFERENCE",
          referrer + ": " + ref.text() + " has no value (" + ref.service() + " is not deployed)",
          "deploy " + ref.service() + " first, or add it to dependsOn",
          null);
    }
    return value;
  }
}
