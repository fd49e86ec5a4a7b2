package dev.updraft.mesh.testing;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A DNS for tests (JEP 418 resolver SPI): names under {@code .updraft.test} resolve to what a test
 * sets, everything else goes to the system resolver. Lets a test change what a name means.
 */
public final class TestResolver extends InetAddressResolverProvider {
  private static final Map<String, List<InetAddress>> NAMES = new ConcurrentHashMap<>();

  /** Points {@code name} (ending in .updraft.test) at these addresses. */
  public static void set(String name, InetAddress... addresses) {
    NAMES.put(name, List.of(addresses));
  }

  @Override
  public InetAddressResolver get(Configuration configuration) {
    InetAddressResolver system = configuration.builtinResolver();
    return new InetAddressResolver() {
      @Override
      public Stream<InetAddress> lookupByName(String host, LookupPolicy policy)
          throws UnknownHostException {
        if (host.endsWith(".updraft.test")) {
          List<InetAddress> found = NAMES.get(host);
          if (found == null) {
            throw new UnknownHostException(host);
          }
          return found.stream();
        }
        return system.lookupByName(host, policy);
      }

      @Override
      public String lookupByAddress(byte[] address) throws UnknownHostException {
        return system.lookupByAddress(address);
      }
    };
  }

  @Override
  public String name() {
    return "updraft-test";
  }
}
