package dev.updraft.vmm.api;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Where a request goes: its resource and how its body becomes a {@link VmmAction}. Parsing is
 * separate from routing so that a body error is reported (and counted) against the resource.
 */
record Route(String method, String path, Resource resource, Body body) {
  /** Turns the request's JSON document (null without a body) into the action. */
  @FunctionalInterface
  interface Body {
    VmmAction parse(JsonNode document);
  }

  /** The same for the resources whose body must be a JSON object, as most are. */
  @FunctionalInterface
  interface Parser {
    VmmAction parse(JsonFields body);
  }

  /** A route whose body, if any, is a JSON object read through {@link JsonFields}. */
  static Route ofObject(String method, String path, Resource resource, Parser parser) {
    return new Route(
        method,
        path,
        resource,
        document -> parser.parse(document == null ? null : JsonFields.of(document, "")));
  }

  VmmAction parse(JsonNode document) {
    return body.parse(document);
  }
}
