package dev.updraft.deploy.apply;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/** Clients that send a request again and again, each on its own thread, until closed. */
final class Load implements AutoCloseable {
  /** One request and what the test records of it. */
  interface Request {
    void send() throws Exception;
  }

  private final AtomicBoolean running = new AtomicBoolean(true);
  private final ExecutorService threads;
  private final List<Future<?>> clients = new ArrayList<>();

  private Load(int clients, Request request) {
    this.threads = Executors.newFixedThreadPool(clients);
    for (int i = 0; i < clients; i++) {
      this.clients.add(
          threads.submit(
              () -> {
                while (running.get()) {
                  request.send();
                }
                return null;
              }));
    }
  }

  static Load start(int clients, Request request) {
    return new Load(clients, request);
  }

  /** Stops the clients after their request in flight; a failure of one is thrown here. */
  @Override
  public void close() throws ExecutionException {
    running.set(false);
    try {
      for (Future<?> client : clients) {
        client.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the clients stopped", e);
    } finally {
      threads.shutdown();
    }
  }
}
