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
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)
            || address.Equals(IPAddress.Broadcast) || address.Equals(IPAddress.None)) return false;
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> b = stackalloc byte[4];
            address.TryWriteBytes(b, out _);
            return !(b[0] == 0 // "this network"
                || b[0] == 10
                || (b[0] == 100 && (b[1] & 0xC0) == 64) // CGNAT 100.64/10
                || b[0] == 127
                || (b[0] == 169 && b[1] == 254) // link-local, includes the 169.254.169.254 metadata service
                || (b[0] == 172 && (b[1] & 0xF0) == 16)
                // IETF protocol assignments (includes 192.0.0.192 metadata on some clouds)
                || (b[0] == 192 && b[1] == 0 && b[2] == 0)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 198 && (b[1] & 0xFE) == 18) // benchmarking
                || b[0] >= 224); // multicast and reserved
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
                || address.IsIPv6UniqueLocal) return false; // fc00::/7 includes fd00:ec2::254
            Span<byte> b = stackalloc byte[16];
            address.TryWriteBytes(b, out _);
            if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B)
                return false; // NAT64 can reach IPv4 internals
            if (b[0] == 0x20 && b[1] == 0x02) return false; // 6to4 embeds an IPv4 address
            return true;
        }
        return false;
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
