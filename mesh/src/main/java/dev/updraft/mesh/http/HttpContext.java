package dev.updraft.mesh.http;

import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * What every exchange of a listener shares.
 *
 * @param router picks the route of a request
 * @param clock monotonic nanoseconds (System::nanoTime; a fake in tests)
 * @param random for P2C and weighted splits
 * @param direction the {@code direction} metric label
 * @param accessLog writes one line per finished request, or null
 * @param stack the layers each request goes through, from the route's metrics down to the upstream
 */
public record HttpContext(
    Router router,
    LongSupplier clock,
    RandomGenerator random,
    String direction,
    AccessLog accessLog,
    NewCall stack) {}
