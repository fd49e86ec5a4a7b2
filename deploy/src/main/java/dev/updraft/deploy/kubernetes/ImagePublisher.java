package dev.updraft.deploy.kubernetes;

import dev.updraft.deploy.apply.Deployment;
import dev.updraft.deploy.spec.Service;

/**
 * Makes sure the image of an application or job at a version is in the registry, and says which
 * reference its pods run. {@link Images} builds and pushes it; tests that follow rollouts only take
 * it as given.
 */
interface ImagePublisher {
  /** The reference pods run, pinned to a digest when the publisher knows one. */
  String publish(Deployment release, Service service, String version);
}
