package dev.updraft.deploy.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.updraft.deploy.events.Event;
import dev.updraft.deploy.events.Redactor;
import dev.updraft.deploy.journal.History;
import dev.updraft.deploy.journal.Journal;
import dev.updraft.deploy.journal.ReleaseKind;
import dev.updraft.deploy.journal.ReleaseStatus;
import dev.updraft.deploy.journal.ServiceState;
import dev.updraft.deploy.spec.EnvironmentSpec;
import dev.updraft.deploy.spec.Service;
import dev.updraft.deploy.spec.SpecParser;
import dev.updraft.deploy.spec.TargetName;
import dev.updraft.deploy.state.EnvironmentKey;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A release run against a target that only records what it is asked to do: the journal it leaves,
 * and what a failure makes it undo.
 */
class ReleaseRunTest {
  private static final String V1 =
      """
      environment: e
      containers:
        api: {image: "registry.example/api:1"}
        web: {image: "registry.example/web:1"}
      """;
  private static final String V2 = V1.replace(":1\"", ":2\"");

  @TempDir Path dir;
  private final Redactor redactor = new Redactor();
  private final Recording target = new Recording();
  private final List<Event> events = new CopyOnWriteArrayList<>();
  private Journal journal;
  private EnvironmentKey key;

  @BeforeEach
  void open() {
    journal = Journal.open(dir.resolve("journal.jsonl"));
    key = EnvironmentKey.of(dir);
  }

  @AfterEach
  void close() {
    journal.close();
  }

  @Test
  void aFailedApplyReturnsTheWholeEnvironmentToTheLastGoodRelease() {
    Engine.Outcome first = run().apply(spec(V1), V1);
    assertThat(first.release()).isEqualTo(1);
    target.failing = "registry.example/web:2";

    assertThatThrownBy(() -> run().apply(spec(V2), V2))
        .isInstanceOf(DeployException.class)
        .hasMessage("web: refused");

    History history = History.of(journal.entries());
    assertThat(history.releases())
        .extracting(History.Release::kind, History.Release::status)
        .containsExactly(
            tuple(ReleaseKind.APPLY, ReleaseStatus.SUCCEEDED),
            tuple(ReleaseKind.APPLY, ReleaseStatus.FAILED),
            tuple(ReleaseKind.ROLLBACK, ReleaseStatus.SUCCEEDED));
    assertThat(history.releases().get(1).message()).isEqualTo("web: refused");
    // api had been replaced before web failed: it is back at its first image.
    assertThat(target.deployed.getLast()).isEqualTo("api registry.example/api:1");
    assertThat(target.deployed).contains("api registry.example/api:2");
    assertThat(history.services().get("api").version())
        .isEqualTo(history.releases().getFirst().versions().get("api"));
    assertThat(events)
        .filteredOn(Event.Finished.class::isInstance)
        .last()
        .extracting(e -> ((Event.Finished) e).success())
        .isEqualTo(false);
  }

  @Test
  void aFailedFirstApplyRemovesWhatItStartedAndKeepsItsOwnError() {
    target.failing = "registry.example/web:1";
    assertThatThrownBy(() -> run().apply(spec(V1), V1)).hasMessage("web: refused");

    History history = History.of(journal.entries());
    assertThat(history.releases())
        .extracting(History.Release::kind, History.Release::status)
        .containsExactly(tuple(ReleaseKind.APPLY, ReleaseStatus.FAILED));
    assertThat(target.removed).containsExactly("api");
    assertThat(history.services()).isEmpty();
  }

  @Test
  void aRollbackGoesToTheReleaseBeforeTheNewestAndNeedsOne() {
    assertThatThrownBy(() -> run().rollback(spec(V1), null))
        .isInstanceOf(DeployException.class)
        .hasMessage("there is no earlier good release to roll back to");
    run().apply(spec(V1), V1);
    run().apply(spec(V2), V2);

    Engine.Outcome back = run().rollback(spec(V2), null);

    assertThat(back.release()).isEqualTo(3);
    // The two services do not depend on each other: either may go back first.
    assertThat(target.deployed.subList(target.deployed.size() - 2, target.deployed.size()))
        .containsExactlyInAnyOrder("api registry.example/api:1", "web registry.example/web:1");
    assertThatThrownBy(() -> run().rollback(spec(V2), 9)).hasMessage("release 9 does not exist");
  }

  @Test
  void anUnchangedApplyStartsNoReleaseAndDestroyRemovesEverythingInReverse() {
    run().apply(spec(V1), V1);
    Engine.Outcome again = run().apply(spec(V1), V1);
    assertThat(again.release()).isEqualTo(1);
    assertThat(again.plan().isEmpty()).isTrue();

    run().destroy(spec(V1));

    History history = History.of(journal.entries());
    assertThat(target.removed).containsExactly("web", "api");
    assertThat(history.services()).isEmpty();
    assertThat(history.releases().getLast().kind()).isEqualTo(ReleaseKind.DESTROY);
    assertThat(history.lastGood()).isNull();
  }

  private ReleaseRun run() {
    return new ReleaseRun(
        target,
        journal,
        events::add,
        redactor,
        1,
        dir.resolve("updraft.yaml").toString(),
        new ReleaseSpecs(UnaryOperator.identity()),
        spec -> new Secrets(spec, redactor, Map.of(), key));
  }

  private EnvironmentSpec spec(String text) {
    // Containers are the kind a spec needs no files for; they run on Kubernetes.
    return SpecParser.parse(
        dir.resolve("updraft.yaml").toString(), text, dir, TargetName.KUBERNETES);
  }

  /** Deploys by recording, and refuses the one image it is told to. */
  private static final class Recording implements Target {
    final List<String> deployed = new CopyOnWriteArrayList<>();
    final List<String> removed = new CopyOnWriteArrayList<>();
    final Set<String> running = ConcurrentHashMap.newKeySet();
    volatile String failing = "";

    @Override
    public Set<String> live() {
      return Set.copyOf(running);
    }

    @Override
    public ServiceState deploy(Deployment release, Service service, String version) {
      String image = ((Service.Container) service).image();
      deployed.add(service.name() + " " + image);
      if (image.equals(failing)) {
        throw new DeployException("REFUSED", service.name() + ": refused", null, null);
      }
      String id = service.name() + "-" + version;
      running.add(id);
      return new ServiceState(
          service.name(),
          service.kind(),
          version,
          null,
          List.of(new ServiceState.Instance(id, 0)),
          null,
          Map.of());
    }

    @Override
    public void runOnDelete(Deployment release, Service.Job job, String version) {}

    @Override
    public void remove(Deployment release, ServiceState state) {
      removed.add(state.service());
      state.instances().forEach(i -> running.remove(i.id()));
    }

    @Override
    public String describe(ServiceState state) {
      return state.version();
    }

    @Override
    public String url(Service.Router router) {
      return "http://127.0.0.1:0";
    }

    @Override
    public void close() {}
  }
}
