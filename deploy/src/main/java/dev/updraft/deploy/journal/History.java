package dev.updraft.deploy.journal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The journal folded into what the engine needs: the services as deployed now, and every release
 * with its outcome.
 */
public record History(Map<String, ServiceState> services, List<Release> releases) {
  /** A release's summary. */
  public record Release(
      int number,
      String time,
      ReleaseKind kind,
      ReleaseStatus status,
      String message,
      String specText,
      String specPath,
      Map<String, String> versions,
      Map<String, Fingerprint> fingerprints) {
    public boolean succeeded() {
      return status == ReleaseStatus.SUCCEEDED;
    }
  }

  public static History of(List<Entry> entries) {
    Map<String, ServiceState> services = new LinkedHashMap<>();
    Map<Integer, Release> releases = new LinkedHashMap<>();
    for (Entry entry : entries) {
      switch (entry) {
        case Entry.ReleaseStarted s ->
            releases.put(
                s.release(),
                new Release(
                    s.release(),
                    s.time(),
                    s.kind(),
                    ReleaseStatus.IN_PROGRESS,
                    "",
                    s.specText(),
                    s.specPath(),
                    s.versions(),
                    s.fingerprints()));
        case Entry.Deployed d -> services.put(d.state().service(), d.state());
        case Entry.Removed r -> services.remove(r.service());
        case Entry.ReleaseFinished f -> {
          Release r = releases.get(f.release());
          if (r != null) {
            releases.put(
                f.release(),
                new Release(
                    r.number(),
                    r.time(),
                    r.kind(),
                    f.status(),
                    f.message(),
                    r.specText(),
                    r.specPath(),
                    r.versions(),
                    r.fingerprints()));
          }
        }
        case Entry.Step s -> {}
      }
    }
    return new History(services, new ArrayList<>(releases.values()));
  }

  public int nextRelease() {
    return releases.isEmpty() ? 1 : releases.getLast().number() + 1;
  }

  /**
   * The release the environment last completed and so runs now, or null if none runs: no release
   * completed, or the newest that did is a destroy (a failed apply after it has nothing to return
   * to but nothing).
   */
  public Release lastGood() {
    for (int i = releases.size() - 1; i >= 0; i--) {
      if (releases.get(i).succeeded()) {
        return releases.get(i).kind() == ReleaseKind.DESTROY ? null : releases.get(i);
      }
    }
    return null;
  }

  /** A release left in progress by a crash. */
  public Release interrupted() {
    return releases.isEmpty() || releases.getLast().status() != ReleaseStatus.IN_PROGRESS
        ? null
        : releases.getLast();
  }
}
