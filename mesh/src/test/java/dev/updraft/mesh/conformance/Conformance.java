package dev.updraft.mesh.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.Function;

/** Runs every case through every proxy, many at a time, each in front of its own backend. */
final class Conformance {
  /** One case on one proxy. */
  record Result(Case c, Observation observation, Judge.Verdict verdict) {}

  /** Cases in flight at once: most of a case's time is spent waiting, not computing. */
  private static final int PARALLEL = 32;

  private Conformance() {}

  /** Results per proxy name, in case order, in the order the proxies are given. */
  static Map<String, List<Result>> run(
      List<Case> cases, List<Function<List<ProxyUnderTest.Slot>, ProxyUnderTest>> proxies)
      throws IOException, InterruptedException {
    List<ProxyUnderTest> started = new ArrayList<>();
    List<List<RecordingBackend>> backends = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (var factory : proxies) {
        List<RecordingBackend> mine = new ArrayList<>();
        List<ProxyUnderTest.Slot> slots = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
          RecordingBackend b =
              cases.get(i) instanceof Case.H1Response r
                  ? new RecordingBackend(r.answer(), r.closeAfter())
                  : new RecordingBackend(null, false);
          mine.add(b);
          slots.add(new ProxyUnderTest.Slot(i, cases.get(i) instanceof Case.H2Request, b.port()));
        }
        backends.add(mine);
        started.add(factory.apply(slots));
      }
      Semaphore slotsFree = new Semaphore(PARALLEL);
      Map<String, List<Future<Result>>> futures = new LinkedHashMap<>();
      for (int i = 0; i < cases.size(); i++) {
        for (int p = 0; p < started.size(); p++) {
          ProxyUnderTest proxy = started.get(p);
          Case c = cases.get(i);
          int port = proxy.port(i);
          RecordingBackend backend = backends.get(p).get(i);
          futures
              .computeIfAbsent(proxy.name(), k -> new ArrayList<>())
              .add(pool.submit(() -> runOne(c, port, backend, slotsFree)));
        }
      }
      Map<String, List<Result>> results = new LinkedHashMap<>();
      for (var e : futures.entrySet()) {
        List<Result> list = new ArrayList<>();
        for (Future<Result> f : e.getValue()) {
          list.add(get(f));
        }
        results.put(e.getKey(), list);
      }
      return results;
    } finally {
      for (ProxyUnderTest p : started) {
        p.close();
      }
      for (List<RecordingBackend> list : backends) {
        for (RecordingBackend b : list) {
          b.close();
        }
      }
    }
  }

  private static Result runOne(Case c, int port, RecordingBackend backend, Semaphore slots)
      throws InterruptedException {
    slots.acquire();
    try {
      Observation o = CaseRun.run(c, port, backend);
      return new Result(c, o, Judge.judge(c, o));
    } catch (IOException e) {
      throw new UncheckedIOException(c.name() + ": " + e.getMessage(), e);
    } finally {
      slots.release();
    }
  }

  private static Result get(Future<Result> f) throws InterruptedException {
    try {
      return f.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("a case failed to run: " + e.getCause().getMessage(), e);
    }
  }
}
