package dev.updraft.mesh.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What a request must look like for a route to take it; every given condition must hold.
 *
 * @param hosts Host/:authority values (case-insensitive, port ignored; {@code *.example.com}
 *     matches subdomains)
 * @param path exact path
 * @param pathPrefix path prefix on segment boundaries ({@code /api} matches {@code /api/x})
 * @param pathRegex a Java regular expression the whole path must match
 * @param method HTTP method, e.g. GET
 * @param headers header values that must be present exactly
 */
public record MatchConfig(
    List<String> hosts,
    String path,
    String pathPrefix,
    String pathRegex,
    String method,
    Map<String, String> headers) {
  public static final MatchConfig ANY = new MatchConfig(null, null, null, null, null, null);

  public MatchConfig {
    hosts =
        hosts == null ? List.of() : hosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
    headers = headers == null ? Map.of() : Map.copyOf(headers);
    if (path != null && !path.startsWith("/")) {
      throw new MeshConfigException("match.path: \"" + path + "\" (expected: starts with /)");
    }
    if (pathPrefix != null && !pathPrefix.startsWith("/")) {
      throw new MeshConfigException(
          "match.pathPrefix: \"" + pathPrefix + "\" (expected: starts with /)");
    }
    if (pathRegex != null) {
      try {
        Pattern.compile(pathRegex);
      } catch (PatternSyntaxException e) {
        throw new MeshConfigException(
            "match.pathRegex: \"" + pathRegex + "\" (expected: a valid regular expression)");
      }
    }
    if (method != null && !method.matches("[A-Z]+")) {
      throw new MeshConfigException(
          "match.method: \"" + method + "\" (expected: an upper-case HTTP method)");
    }
  }
}
