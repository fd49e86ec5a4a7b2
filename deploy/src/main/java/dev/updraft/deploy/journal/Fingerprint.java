package dev.updraft.deploy.journal;

/**
 * What a service's version was made of, so that a plan can say which part changed: a keyed MAC of
 * its secret values (empty when it has none; never the values, nor a plain hash of them) and a hash
 * of its source files (empty for services without sources).
 */
public record Fingerprint(String secrets, String source) {
  public Fingerprint {
    secrets = secrets == null ? "" : secrets;
    source = source == null ? "" : source;
  }
}
