package dev.updraft.console.signals;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * The mesh's own workings as an environment's router reports them on its admin {@code /workings}:
 * endpoints with their readiness, breaker state and EWMA latency, routes with their retry budget.
 * Read when a page is served: these are states, not series.
 */
public record Workings(List<Backend> backends, List<Route> routes) {
  public static final Workings NONE = new Workings(List.of(), List.of());

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  public Workings {
    backends = backends == null ? List.of() : List.copyOf(backends);
    routes = routes == null ? List.of() : List.copyOf(routes);
  }

  /** One endpoint of a backend; {@code ewmaMillis} is PeakEWMA's round-trip estimate. */
  public record Endpoint(
      String address, boolean ready, int inFlight, String breaker, double ewmaMillis) {}

  /** A backend (the mesh names it after the service) and its endpoints. */
  public record Backend(String name, int queue, List<Endpoint> endpoints) {
    public Backend {
      endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
    }
  }

  /** A route of a listener; {@code retryBudget} is how many retries its budget allows now. */
  public record Route(
      String listener, String name, List<String> backends, int retryLimit, long retryBudget) {
    public Route {
      backends = backends == null ? List.of() : List.copyOf(backends);
    }
  }

  /**
   * @throws IllegalArgumentException naming what was expected when {@code json} is not workings
   */
  public static Workings parse(String json) {
    try {
      return JSON.readValue(json, Workings.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "workings: " + e.getOriginalMessage() + " (expected: the mesh admin's /workings JSON)");
    }
  }

  /** What the router with admin port {@code adminPort} reports; {@link #NONE} when it does not. */
  public static Workings fetch(int adminPort) {
    if (adminPort <= 0) {
      return NONE;
    }
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/workings"))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? parse(response.body()) : NONE;
    } catch (IOException | IllegalArgumentException e) {
      return NONE; // a router of an older build, or one restarting: the page shows no workings
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return NONE;
    }
  }

  /** The backend named after {@code service}, and the routes that send to it. */
  public Workings concerning(String service) {
    return new Workings(
        backends.stream().filter(b -> b.name().equals(service)).toList(),
        routes.stream().filter(r -> r.backends().contains(service)).toList());
  }
}
