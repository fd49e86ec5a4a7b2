package dev.updraft.deploy.apply;

import dev.updraft.deploy.events.ConsoleSink;
import dev.updraft.deploy.events.Redactor;
import dev.updraft.deploy.local.LocalRuntime;
import dev.updraft.deploy.local.RuntimeTarget;
import java.io.PrintWriter;
import java.nio.file.Path;

/** Runs one apply in its own process, so a test can kill -9 the engine mid-apply. */
public final class EngineMain {
  private EngineMain() {}

  public static void main(String[] args) {
    Redactor redactor = new Redactor();
    new Engine(
            Path.of(args[0]),
            new ConsoleSink(new PrintWriter(System.out, true), redactor),
            redactor,
            System.getenv(),
            4,
            null,
            RuntimeTarget.factory(LocalRuntime::new))
        .apply();
  }
}
