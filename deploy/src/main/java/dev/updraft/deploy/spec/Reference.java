package dev.updraft.deploy.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code ${service.attribute}} reference inside an environment value, e.g. {@code ${db.url}} or
 * {@code ${migrate.outputs.SEED}}. A reference makes the referring service depend on the other.
 */
public record Reference(String service, String attribute, String text) {
  private static final Pattern PATTERN = Pattern.compile("\\$\\{([^}]*)}");
  private static final Pattern INSIDE =
      Pattern.compile("(" + Shapes.NAME + ")\\.([a-z]+(\\.[A-Za-z_][A-Za-z0-9_]*)?)");

  /** Attributes each kind of service exposes. */
  static List<String> attributes(Service service) {
    return switch (service) {
      case Service.Database d ->
          // An engine the reader refused is null here, and already reported.
          d.engine() == DatabaseEngine.POSTGRES
              ? List.of("url", "host", "port", "user", "password", "database")
              : List.of("url", "host", "port");
      case Service.Application a -> List.of("url", "host", "port");
      case Service.Container c -> List.of("url", "host", "port");
      case Service.Router r -> List.of("url", "host", "port");
      case Service.Job j -> j.outputs().stream().map(o -> "outputs." + o).toList();
    };
  }

  /** Every reference in {@code value}; malformed ones are returned with a null service. */
  public static List<Reference> in(String value) {
    List<Reference> result = new ArrayList<>();
    Matcher m = PATTERN.matcher(value);
    while (m.find()) {
      Matcher inside = INSIDE.matcher(m.group(1));
      result.add(
          inside.matches()
              ? new Reference(inside.group(1), inside.group(2), m.group())
              : new Reference(null, null, m.group()));
    }
    return result;
  }

  /** Replaces every reference using {@code lookup}. */
  public static String substitute(
      String value, java.util.function.Function<Reference, String> lookup) {
    Matcher m = PATTERN.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      Reference ref = in(m.group()).getFirst();
      m.appendReplacement(out, Matcher.quoteReplacement(lookup.apply(ref)));
    }
    m.appendTail(out);
    return out.toString();
  }
}
