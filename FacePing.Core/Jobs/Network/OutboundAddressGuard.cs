using System.Net;
using System.Net.Sockets;

namespace FacePing.Core.Jobs.Network;

/// <summary>
/// Decides which addresses a client-named host (callback URL, FTP server) may be reached at. Loopback, private,
/// link-local, CGNAT, unique-local, multicast, unspecified and cloud metadata addresses are refused unless the
/// configuration allow-lists the host name, the address or a CIDR range containing it. Callers connect to the
/// address returned here, never to a second resolution, so DNS rebinding cannot swap a checked address for another.
/// </summary>
public sealed class OutboundAddressGuard
{
    private readonly HashSet<string> _allowedHosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(IPAddress Network, int PrefixLength)> _allowedRanges = [];
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _resolve;

    public OutboundAddressGuard(IEnumerable<string> allowList,
        Func<string, CancellationToken, Task<IPAddress[]>>? resolve = null)
    {
        foreach (var raw in allowList)
        {
            var entry = raw.Trim();
            if (entry.Length == 0) continue;
            if (TryParseRange(entry, out var range)) _allowedRanges.Add(range);
            else _allowedHosts.Add(entry);
        }
        _resolve = resolve ?? ((host, ct) => Dns.GetHostAddressesAsync(host, ct));
    }

    /// <summary>Checks an allow-list entry: a host name, an IP address or a CIDR range.</summary>
    public static bool IsValidAllowListEntry(string entry) =>
        TryParseRange(entry.Trim(), out _) || Uri.CheckHostName(entry.Trim()) == UriHostNameType.Dns;

    /// <summary>
    /// Resolves <paramref name="host"/> and returns the addresses that may be connected to (at least one).
    /// </summary>
    public async Task<IPAddress[]> ResolveAllowedAsync(string host, CancellationToken cancellationToken)
    {
        var bare = host.Trim('[', ']');
        IPAddress[] addresses;
        if (IPAddress.TryParse(bare, out var literal)) addresses = [literal];
        else
        {
            try { addresses = await _resolve(bare, cancellationToken); }
            catch (SocketException e)
            {
                throw new OutboundTargetRefusedException($"Host '{bare}' could not be resolved.", e);
            }
        }
        if (addresses.Length == 0) throw new OutboundTargetRefusedException($"Host '{bare}' could not be resolved.");

        var hostAllowed = _allowedHosts.Contains(bare);
        var allowed = addresses.Select(Normalize).Where(a => hostAllowed || IsAllowed(a)).ToArray();
        if (allowed.Length == 0)
            throw new OutboundTargetRefusedException($"Host '{bare}' resolves to a private, loopback, link-local or " +
                "otherwise internal address, which is not allowed.");
        return allowed;
    }

    /// <summary>True when the address may be reached without an allow-list entry.</summary>
    public static bool IsPublic(IPAddress address)
    {
        address = Normalize(address);
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> v4 = stackalloc byte[4];
            address.TryWriteBytes(v4, out _);
            return IsPublicIPv4(v4);
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return false;
        if (address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
            || address.IsIPv6UniqueLocal) return false; // fc00::/7 includes fd00:ec2::254
        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out _);
        return IsPublicIPv6(b);
    }

    private static bool IsPublicIPv4(ReadOnlySpan<byte> b) =>
        !(b[0] == 0 // "this network", includes 0.0.0.0
          || b[0] == 10
          || (b[0] == 100 && (b[1] & 0xC0) == 64) // CGNAT 100.64/10
          || b[0] == 127
          || (b[0] == 169 && b[1] == 254) // link-local, includes the 169.254.169.254 metadata service
          || (b[0] == 172 && (b[1] & 0xF0) == 16)
          // IETF protocol assignments (includes 192.0.0.192 metadata on some clouds)
          || (b[0] == 192 && b[1] == 0 && b[2] == 0)
          || (b[0] == 192 && b[1] == 168)
          || (b[0] == 198 && (b[1] & 0xFE) == 18) // benchmarking
          || b[0] >= 224); // multicast, reserved and 255.255.255.255

    /// <summary>
    /// An IPv6 address that embeds or translates an IPv4 address is as public as that IPv4 address, so a translator
    /// or tunnel cannot carry a connection to an internal one; forms whose IPv4 part cannot be read for certain, or
    /// that no server is reached at, are refused outright.
    /// </summary>
    private static bool IsPublicIPv6(ReadOnlySpan<byte> b)
    {
        // ::/96, IPv4-compatible (deprecated by RFC 4291), which includes :: and ::1.
        if (!b[..12].ContainsAnyExcept((byte)0)) return false;
        // ::ffff:0:a.b.c.d, IPv4-translated (SIIT, RFC 2765); ::ffff:a.b.c.d (mapped) became IPv4 in Normalize.
        if (!b[..8].ContainsAnyExcept((byte)0) && b[8] == 0xFF && b[9] == 0xFF && b[10] == 0 && b[11] == 0)
            return IsPublicIPv4(b[12..]);
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B)
        {
            // 64:ff9b::/96, the NAT64 well-known prefix (RFC 6052): the IPv4 address is the last 32 bits (DNS64
            // gives public hosts such addresses on IPv6-only networks).
            if (!b[4..12].ContainsAnyExcept((byte)0)) return IsPublicIPv4(b[12..]);
            // 64:ff9b:1::/48, NAT64 local use (RFC 8215), and the rest of 64:ff9b::/32: where the IPv4 address sits
            // depends on a prefix length only the network knows.
            return false;
        }
        // 2002::/16, 6to4 (RFC 3056): the relay's IPv4 address is bits 16-47.
        if (b[0] == 0x20 && b[1] == 0x02) return IsPublicIPv4(b[2..6]);
        // 2001::/32, Teredo (RFC 4380): a tunnel to a client behind a NAT, never a server; refused outright.
        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && b[3] == 0x00) return false;
        // ISATAP interface identifier (RFC 5214) under any prefix: ...:0:5efe:a.b.c.d or ...:200:5efe:a.b.c.d.
        if ((b[8] & 0xFC) == 0 && b[9] == 0 && b[10] == 0x5E && b[11] == 0xFE) return IsPublicIPv4(b[12..]);
        return true;
    }

    private bool IsAllowed(IPAddress address) =>
        IsPublic(address) || _allowedRanges.Any(r => InRange(address, r.Network, r.PrefixLength));

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static bool TryParseRange(string entry, out (IPAddress, int) range)
    {
        range = default;
        var slash = entry.IndexOf('/');
        if (slash < 0)
        {
            if (!IPAddress.TryParse(entry, out var single)) return false;
            single = Normalize(single);
            range = (single, single.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }
        if (!IPAddress.TryParse(entry[..slash], out var network) || !int.TryParse(entry[(slash + 1)..], out var prefix))
            return false;
        network = Normalize(network);
        var max = network.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (prefix < 0 || prefix > max) return false;
        range = (network, prefix);
        return true;
    }

    private static bool InRange(IPAddress address, IPAddress network, int prefixLength)
    {
        if (address.AddressFamily != network.AddressFamily) return false;
        Span<byte> a = stackalloc byte[16];
        Span<byte> n = stackalloc byte[16];
        address.TryWriteBytes(a, out var length);
        network.TryWriteBytes(n, out _);
        for (var bit = 0; bit < prefixLength && bit < length * 8; bit += 8)
        {
            var bits = Math.Min(8, prefixLength - bit);
            var mask = (byte)(0xFF << (8 - bits));
            if ((a[bit / 8] & mask) != (n[bit / 8] & mask)) return false;
        }
        return true;
    }
}
