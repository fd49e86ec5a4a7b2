package dev.updraft.console;

import dev.updraft.console.model.LogTail;

/** What a request gets: a page, a redirect after a POST, an asset, plain text, or a log stream. */
sealed interface Reply {
  record Page(int status, String html) implements Reply {}

  record Redirect(String location) implements Reply {}

  record Asset(String contentType, byte[] bytes) implements Reply {}

  record Text(int status, String text) implements Reply {}

  record Stream(LogTail tail, long from) implements Reply {}
}
