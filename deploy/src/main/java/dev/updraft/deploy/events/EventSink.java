package dev.updraft.deploy.events;

/** Receives the engine's events; implementations redact before printing. */
@FunctionalInterface
public interface EventSink {
  void emit(Event event);

  EventSink NONE = event -> {};
}
