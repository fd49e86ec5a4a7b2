package dev.updraft.mesh.config;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** An IP network, {@code 10.0.0.0/8} or {@code fd00::/8}; a bare address is a /32 or /128. */
public record Cidr(InetAddress network, int prefix) {
  public Cidr {
    int bits = network.getAddress().length * 8;
    if (prefix < 0 || prefix > bits) {
      throw new MeshConfigException(
          "networks: "
              + network.getHostAddress()
              + "/"
              + prefix
              + " (expected: a prefix 0.."
              + bits
              + ")");
    }
  }

  public static Cidr parse(String field, String text) {
    // An IPv4 dotted quad or something with a colon (IPv6), so that no name is ever looked up.
    if (text == null
        || !text.matches(
            "([0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*)(/[0-9]{1,3})?")) {
      throw new MeshConfigException(
          field + ": \"" + text + "\" (expected: an IP network such as 10.0.0.0/8)");
    }
    int slash = text.indexOf('/');
    String address = slash < 0 ? text : text.substring(0, slash);
    try {
      InetAddress ip = InetAddress.getByName(address);
      int prefix =
          slash < 0 ? ip.getAddress().length * 8 : Integer.parseInt(text.substring(slash + 1));
      return new Cidr(ip, prefix);
    } catch (UnknownHostException | NumberFormatException e) {
      throw new MeshConfigException(
          field + ": \"" + text + "\" (expected: an IP network such as 10.0.0.0/8)", e);
    } catch (MeshConfigException e) {
      throw new MeshConfigException(field + ": \"" + text + "\" (" + e.getMessage() + ")", e);
    }
  }

  public boolean contains(InetAddress address) {
    byte[] net = network.getAddress();
    byte[] ip = address.getAddress();
    if (ip.length != net.length) {
      return false;
    }
    int shift = net.length * 8 - prefix;
    return new BigInteger(1, ip).shiftRight(shift).equals(new BigInteger(1, net).shiftRight(shift));
  }

  @Override
  public String toString() {
    return network.getHostAddress() + "/" + prefix;
  }
}
