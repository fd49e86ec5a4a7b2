package dev.updraft.vmm.api;

/**
 * Where a request goes: its resource and how its body becomes a {@link VmmAction}. Parsing is
 * separate from routing so that a body error is reported (and counted) against the resource.
 */
record Route(String method, String path, Resource resource, Parser parser) {
  /** Turns the request body (null for a GET) into the action. */
  @FunctionalInterface
  interface Parser {
    VmmAction parse(JsonFields body);
  }

  VmmAction parse(JsonFields body) {
    return parser.parse(body);
  }
}
