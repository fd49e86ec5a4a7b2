package dev.updraft.mesh.conformance;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/** Plays one case against one proxy and records both ends. */
final class CaseRun {
  /** How long the proxy gets to abort an unfinished upstream request once the client is done. */
  private static final Duration ABORT_GRACE = Duration.ofMillis(1500);

  /** How long the backend keeps recording after the client has gone. */
  private static final Duration AFTERMATH = Duration.ofMillis(400);

  private CaseRun() {}

  static Observation run(Case c, int port, RecordingBackend backend) throws IOException {
    Observation.Client client;
    boolean held;
    switch (c) {
      case Case.H1Request r -> {
        try (H1Client h1 = new H1Client(port, r.deadline())) {
          client = new Observation.Client.H1(h1.run(r.steps(), r.incomplete()));
          held = awaitAbort(backend);
        }
      }
      case Case.H2Request r -> {
        try (H2Client h2 = new H2Client(port, r.deadline())) {
          client = new Observation.Client.H2(h2.run(r.steps()));
          held = awaitAbort(backend);
        }
      }
      case Case.H1Response r -> {
        List<Step> steps =
            List.of(
                Dsl.send(r.method() + " /scripted HTTP/1.1\r\nHost: c\r\n\r\n", r.method()),
                Dsl.await(),
                new Step.Probe(),
                Dsl.await());
        try (H1Client h1 = new H1Client(port, Dsl.DEADLINE)) {
          client = new Observation.Client.H1(h1.run(steps, false));
          held = false;
        }
      }
    }
    // A proxy that completes a request once its client has gone is caught here.
    H1Client.sleep(AFTERMATH.toMillis());
    return new Observation(client, backend.recorded(), held);
  }

  private static boolean awaitAbort(RecordingBackend backend) {
    long until = System.nanoTime() + ABORT_GRACE.toNanos();
    while (backend.holdsPartialRequest() && System.nanoTime() < until) {
      H1Client.sleep(20);
    }
    return backend.holdsPartialRequest();
  }
}
