package dev.updraft.mesh.config;

import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which failures a route retries, how often, and within which budget. Requests whose body exceeds
 * 64 KiB are not retried (they cannot be replayed).
 *
 * @param limit retries per request (default 2 when a retry block is present)
 * @param http statuses: {@code 5xx}, {@code gateway-error} (502-504), a code, or a range {@code
 *     500-504}
 * @param grpc gRPC codes by name ({@code unavailable}) or number
 * @param connectFailures retry when the endpoint cannot be reached or resets before answering
 * @param budget the retry budget
 */
public record RetryConfig(
    Integer limit,
    List<String> http,
    List<String> grpc,
    Boolean connectFailures,
    BudgetConfig budget) {
  /** No retries: Linkerd retries nothing unless a route asks for it. */
  public static final RetryConfig NONE = new RetryConfig(0, List.of(), List.of(), false, null);

  private static final Map<String, Integer> GRPC_CODES =
      Map.ofEntries(
          Map.entry("cancelled", 1),
          Map.entry("unknown", 2),
          Map.entry("invalid-argument", 3),
          Map.entry("deadline-exceeded", 4),
          Map.entry("not-found", 5),
          Map.entry("already-exists", 6),
          Map.entry("permission-denied", 7),
          Map.entry("resource-exhausted", 8),
          Map.entry("failed-precondition", 9),
          Map.entry("aborted", 10),
          Map.entry("out-of-range", 11),
          Map.entry("unimplemented", 12),
          Map.entry("internal", 13),
          Map.entry("unavailable", 14),
          Map.entry("data-loss", 15),
          Map.entry("unauthenticated", 16));

  public RetryConfig {
    limit = limit == null ? 2 : limit;
    http = http == null ? List.of("gateway-error") : List.copyOf(http);
    grpc = grpc == null ? List.of("unavailable") : List.copyOf(grpc);
    connectFailures = connectFailures == null || connectFailures;
    budget = budget == null ? BudgetConfig.DEFAULT : budget;
    if (limit < 0 || limit > 10) {
      throw new MeshConfigException("retry.limit: " + limit + " (expected: 0..10)");
    }
    httpStatuses(http);
    grpcCodes(grpc);
  }

  /** The HTTP statuses to retry, as a set over 0..599. */
  public BitSet httpStatuses() {
    return httpStatuses(http);
  }

  /** The gRPC status codes to retry. */
  public BitSet grpcCodes() {
    return grpcCodes(grpc);
  }

  private static BitSet httpStatuses(List<String> specs) {
    BitSet set = new BitSet(600);
    for (String raw : specs) {
      String spec = raw.trim().toLowerCase(Locale.ROOT);
      switch (spec) {
        case "5xx" -> set.set(500, 600);
        case "gateway-error" -> set.set(502, 505);
        default -> {
          String[] bounds = spec.split("-", 2);
          int low = status(raw, bounds[0]);
          int high = bounds.length == 2 ? status(raw, bounds[1]) : low;
          if (high < low) {
            throw new MeshConfigException(
                "retry.http: \"" + raw + "\" (expected: a range low-high with low <= high)");
          }
          set.set(low, high + 1);
        }
      }
    }
    return set;
  }

  private static int status(String raw, String text) {
    try {
      int code = Integer.parseInt(text.trim());
      if (code >= 100 && code <= 599) {
        return code;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new MeshConfigException(
        "retry.http: \""
            + raw
            + "\" (expected: 5xx, gateway-error, a status 100..599 or a range such as 500-504)");
  }

  private static BitSet grpcCodes(List<String> specs) {
    BitSet set = new BitSet(17);
    for (String raw : specs) {
      String spec = raw.trim().toLowerCase(Locale.ROOT).replace('_', '-');
      Integer code = GRPC_CODES.get(spec);
      if (code == null) {
        try {
          code = Integer.parseInt(spec);
        } catch (NumberFormatException e) {
          code = -1;
        }
      }
      if (code < 1 || code > 16) {
        throw new MeshConfigException(
            "retry.grpc: \""
                + raw
                + "\" (expected: a gRPC code name such as unavailable, or 1..16)");
      }
      set.set(code);
    }
    return set;
  }
}
